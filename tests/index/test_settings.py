"""The settings users can set: every one is written down where they look for it."""

from __future__ import annotations

import re

from index.settings import Settings
from tests.conftest import ROOT

EXAMPLE = ROOT / ".env.example"


def test_the_example_env_file_names_every_setting_at_its_default() -> None:
    written = set(re.findall(r"^(NEWSQA_\w+)=", EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    expected = [f"NEWSQA_{name.upper()}" for name in Settings.model_fields]
    assert [name for name in expected if name not in written] == []
    # Copied to .env as it is, it changes nothing.
    assert Settings(_env_file=EXAMPLE).model_dump() == Settings(_env_file=None).model_dump()
