"""Where the Welsh interface catalogue lives, and whether GNU gettext's msgfmt is here to check
it (CI installs gettext in .ci/run: there a missing msgfmt fails instead of skipping)."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "cms" / "core" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")

needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None and os.environ.get("CI") != "true",
    reason="GNU gettext's msgfmt is not installed",
)


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))
