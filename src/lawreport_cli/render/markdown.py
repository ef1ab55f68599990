"""GitHub Markdown: the same blocks as the terminal table, as pipe tables."""
from __future__ import annotations

from ..model import Comparison, Summary
from .safe_text import for_markdown
from .layout import (
    Block, compare_blocks, compare_footer, compare_header_lines, summary_blocks, summary_footer, tabulate_block,
)
from .words import word, year_label

TITLES = {
    "summary": ("# {year}统计汇总", "# Summary {year}"),
    "compare": ("# {previous}—{current}同比", "# Year on year {previous}–{current}"),
}


def escape(text: str) -> str:
    """Keep a cell inside its column (a `|` from the data would split it) and plain (no HTML, link, control)."""
    return for_markdown(text.replace("\\", "\\\\")).replace("|", "\\|").replace("\n", " ")


def _markdown_block(block: Block) -> str:
    escaped = Block(escape(block.title), [escape(h) for h in block.headers],
                    [[escape(cell) for cell in row] for row in block.rows], block.align)
    text = f"## {escaped.title}\n\n" + tabulate_block(escaped, "github")
    return text + f"\n\n{escape(block.note)}" if block.note else text


def _document(title: str, head: list[str], blocks: list[Block], tail: list[str], lang: str) -> str:
    parts = [title]
    parts.extend(escape(line) for line in head)
    if not blocks:
        parts.append(word("empty", lang))
    parts.extend(_markdown_block(block) for block in blocks)
    if tail:
        parts.append("\n".join(f"- {escape(line)}" for line in tail))
    return "\n\n".join(parts) + "\n"


def summary_markdown(summary: Summary, lang: str = "zh") -> str:
    title = TITLES["summary"][lang == "en"].format(year=year_label(summary.year, lang))
    head = [f"{word('source', lang)}: {summary.source}"]
    return _document(title, head, summary_blocks(summary, lang), summary_footer(summary, lang), lang)


def compare_markdown(comparison: Comparison, lang: str = "zh") -> str:
    title = TITLES["compare"][lang == "en"].format(
        previous=year_label(comparison.previous.year, lang), current=year_label(comparison.current.year, lang))
    return _document(title, compare_header_lines(comparison, lang), compare_blocks(comparison, lang),
                     compare_footer(comparison, lang), lang)
