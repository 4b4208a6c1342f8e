"""Child process of PDF exports: HTML on stdin, PDF on stdout (WeasyPrint)."""

from __future__ import annotations

import logging
import sys


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"exports fetch nothing: {url[:80]}")


def main() -> None:
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    html = sys.stdin.buffer.read().decode("utf-8")
    # No base URL: the page embeds everything it needs and fetches nothing.
    sys.stdout.buffer.write(HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf())


if __name__ == "__main__":
    main()
