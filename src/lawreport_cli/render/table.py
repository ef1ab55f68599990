"""Terminal tables: the shared blocks (render/layout.py) in tabulate's "simple" style.

tabulate measures cells with wcwidth, so CJK labels (two columns wide in a
terminal) line up.
"""
from __future__ import annotations

# Shared words and layout, importable from here as before (markdown, docx ...).
from .layout import (  # noqa: F401
    Block, by_section, city_metrics, compare_blocks, compare_footer, compare_header_lines, compare_headers,
    entity_block, ordered_sections, present_sections, rank_metrics, summary_blocks, summary_footer,
    tabulate_block,
)
from .words import (  # noqa: F401
    POINTS, RANK_MOVES, TREND_WORDS, WORDS, section_title, signed, standards_line, unit_suffix, word, year_label, yoy_text,
)
from ..model import Comparison, Summary


def _join(head: list[str], blocks: list[Block], tail: list[str], lang: str) -> str:
    parts = ["\n".join(head)] if head else []
    if not blocks:
        parts.append(word("empty", lang))
    for block in blocks:
        parts.append(block.title + "\n" + tabulate_block(block, "simple") + (f"\n{block.note}" if block.note else ""))
    if tail:
        parts.append("\n".join(tail))
    return "\n\n".join(parts) + "\n"


def summary_table(summary: Summary, lang: str = "zh") -> str:
    head = [f"{year_label(summary.year, lang)}  {word('source', lang)}: {summary.source}"]
    return _join(head, summary_blocks(summary, lang), summary_footer(summary, lang), lang)


def compare_table(comparison: Comparison, lang: str = "zh") -> str:
    return _join(compare_header_lines(comparison, lang), compare_blocks(comparison, lang),
                 compare_footer(comparison, lang), lang)
