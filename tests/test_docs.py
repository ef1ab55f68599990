"""Docs that cannot drift: every command and every finding code appears in the README."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from lawreport_cli.cli import cli
from lawreport_cli.codes import CODES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"lawreport {name}" in README, name


def test_every_code_is_documented():
    for code in CODES:
        assert f"`{code}`" in README, code


def test_generated_code_list_is_current():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    gen_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    assert gen_docs.regenerate(README) == README, "run .venv/bin/python scripts/gen_docs.py"


def test_readme_first_screen_shows_setup():
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen
