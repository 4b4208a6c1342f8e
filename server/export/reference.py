"""Regenerate the reference ODT/DOCX style templates shipped beside this module.

Run `python -m server.export.reference` after upgrading pandoc: it takes pandoc's own
default templates and adds the few paragraph styles our exports name (a clause block, the
cover page, a page break), so a tender exported anywhere keeps the same look.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pypandoc

HERE = Path(__file__).resolve().parent
DOCX = HERE / "reference.docx"
ODT = HERE / "reference.odt"

DOCX_STYLES = (
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Clause">'
    '<w:name w:val="Clause"/><w:basedOn w:val="BodyText"/><w:qFormat/>'
    '<w:pPr><w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="1F4E79"/></w:pBdr>'
    '<w:shd w:val="clear" w:color="auto" w:fill="EAF1FB"/><w:ind w:left="284"/></w:pPr>'
    "</w:style>"
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Cover">'
    '<w:name w:val="Cover"/><w:basedOn w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/></w:pPr>'
    '<w:rPr><w:sz w:val="28"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="PageBreak">'
    '<w:name w:val="PageBreak"/><w:basedOn w:val="Normal"/>'
    "<w:pPr><w:pageBreakBefore/></w:pPr></w:style>"
)

ODT_STYLES = (
    '<style:style style:name="Clause" style:family="paragraph" '
    'style:parent-style-name="Text_20_body"><style:paragraph-properties '
    'fo:background-color="#eaf1fb" fo:border-left="2.5pt solid #1f4e79" '
    'fo:padding-left="0.2cm" fo:margin-left="0.3cm"/></style:style>'
    '<style:style style:name="Cover" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" '
    'fo:margin-top="0.4cm" fo:margin-bottom="0.4cm"/>'
    '<style:text-properties fo:font-size="14pt"/></style:style>'
    '<style:style style:name="PageBreak" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/>'
    "</style:style>"
)


def _default(name: str) -> bytes:
    pandoc = pypandoc.get_pandoc_path()
    return subprocess.run(
        [pandoc, "--print-default-data-file", name], check=True, capture_output=True
    ).stdout


def _patch(data: bytes, member: str, marker: str, extra: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                text = content.decode("utf-8")
                assert marker in text, f"{marker} not found in {member}"
                content = text.replace(marker, extra + marker, 1).encode("utf-8")
            # The ODF mimetype must stay first and stored, uncompressed.
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, content, compress_type=kind)
    return out.getvalue()


def main() -> None:
    DOCX.write_bytes(
        _patch(_default("reference.docx"), "word/styles.xml", "</w:styles>", DOCX_STYLES)
    )
    ODT.write_bytes(_patch(_default("reference.odt"), "styles.xml", "</office:styles>", ODT_STYLES))


if __name__ == "__main__":
    main()
