"""Regenerate the generated parts of README.md (the finding-code catalogue).

Run: .venv/bin/python scripts/gen_docs.py   (tests/test_docs.py fails when README is stale)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from lawreport_cli.codes import catalogue_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- codes:start -->", "<!-- codes:end -->"


def regenerate(text: str) -> str:
    block = f"{START}\n{catalogue_markdown()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)


if __name__ == "__main__":
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
