"""Run the converters off the event loop, in child processes, with size and time limits.

Pandoc (shipped by the pypandoc-binary wheel) converts between HTML and ODT, DOCX and
Markdown; WeasyPrint renders PDF in a child Python process so its CPU time never holds
the server's interpreter. A conversion that fails, takes too long or produces too much
raises ConversionFailed and leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import pypandoc

from server.errors import AppError

HERE = Path(__file__).resolve().parent
MAX_INPUT_BYTES = 40 * 1024 * 1024
MAX_OUTPUT_BYTES = 80 * 1024 * 1024
TIMEOUT_SECONDS = 60.0
PANDOC_MEMORY = "-M1024m"

# Output format name → (pandoc writer, file extension, MIME type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "odt": ("odt", "odt", "application/vnd.oasis.opendocument.text"),
    "docx": (
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "md": ("gfm-raw_html", "md", "text/markdown; charset=utf-8"),
    "html": ("html", "html", "text/html; charset=utf-8"),
    "pdf": ("pdf", "pdf", "application/pdf"),
}


class ConversionFailed(AppError):
    status = 422
    code = "conversion_failed"
    message = "The conversion failed; nothing was changed."


async def _run(args: list[str], data: bytes, limit: float) -> bytes:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(data), limit)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ConversionFailed(
            "The conversion took too long and was stopped; nothing was changed.",
            code="conversion_timeout",
        ) from None
    if process.returncode != 0:
        raise ConversionFailed(detail=err.decode("utf-8", "replace")[-500:])
    if len(out) > MAX_OUTPUT_BYTES:
        raise ConversionFailed("The converted file is too large.", code="conversion_too_large")
    return out


async def pandoc(data: bytes, source: str, target: str, *, limit: float = TIMEOUT_SECONDS) -> bytes:
    """Convert `data` from pandoc format `source` to `target` (a writer name)."""
    if len(data) > MAX_INPUT_BYTES:
        raise ConversionFailed("The file is too large to be converted.", code="too_large")
    args = [pypandoc.get_pandoc_path(), "-f", source, "-t", target, "-o", "-"]
    if target in ("odt", "docx"):
        args.append(f"--reference-doc={HERE / ('reference.' + target)}")
    if target == "html":
        args.append("--standalone")
    if source in ("odt", "docx"):
        # Binary readers need a file; "-" reads stdin for text formats only.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"input.{source}"
            await asyncio.to_thread(path.write_bytes, data)
            args[args.index("-o") :] = ["-o", "-", str(path)]
            return await _run([*args, "+RTS", PANDOC_MEMORY, "-RTS"], b"", limit)
    return await _run([*args, "+RTS", PANDOC_MEMORY, "-RTS"], data, limit)


async def pdf(html: str, *, limit: float = TIMEOUT_SECONDS) -> bytes:
    data = html.encode("utf-8")
    if len(data) > MAX_INPUT_BYTES:
        raise ConversionFailed("The file is too large to be converted.", code="too_large")
    return await _run([sys.executable, "-m", "server.export.pdf_worker"], data, limit)
