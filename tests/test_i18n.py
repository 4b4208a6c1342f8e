"""Every message the interface shows has its French translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from support.live import ROOT


def test_every_extracted_message_is_translated_into_french(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        template = read_po(handle)
    with (ROOT / "server/i18n/fr/messages.po").open("rb") as handle:
        french = read_po(handle, locale="fr")
    missing = [m.id for m in template if m.id and (m.id not in french or not french[m.id].string)]
    assert missing == []
    assert len(template) > 100
