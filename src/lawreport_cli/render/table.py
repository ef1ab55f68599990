"""Terminal tables, and the blocks (title + rows) that Markdown shares.

A result is laid out once as a list of `Block`s: a section title with its
period, column headers and text rows. `table` prints them with tabulate's
"simple" style and Markdown with its "github" style, so both always say the
same. tabulate measures cells with wcwidth, so CJK labels (two columns wide
in a terminal) line up.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tabulate import tabulate

from ..findings import count_by_severity
from ..metrics.registry import SECTIONS, MetricDef, metric_for
from ..model import Change, Comparison, Figure, Summary, format_value

# Column headers and fixed words, zh / en.
WORDS: dict[str, tuple[str, str]] = {
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "city": ("城市", "City"),
    "change": ("变化", "Change"),
    "yoy": ("同比", "Year on year"),
    "source": ("来源", "Source"),
    "by_city": ("分城市", "by city"),
    "improvement_ranks": ("改善幅度排名", "improvement ranks"),
    "empty": ("（没有可汇总的数据）", "(no figures)"),
    "only_in": ("仅{year}有：", "Only in {year}: "),
    "rows_left_out": ("{n}行数据有误，未计入任何指标", "{n} data rows with errors are left out of every figure"),
    "findings": ("数据检查：{errors}个错误，{warnings}个警告（详见 lawreport validate）",
                 "Data check: {errors} errors, {warnings} warnings (see lawreport validate)"),
    "note": ("说明：", "Note: "),
    "standards": ("标准：{aqi}；年评价 {annual}", "Standards: {aqi}; annual assessment {annual}"),
    "standard_span": ("{title}（{start}至{end}）", "{id} ({start} to {end})"),
    "standard_join": ("、", ", "),
}

# Year-on-year words by trend; percent figures change in 百分点 instead.
TREND_WORDS: dict[str, tuple[str, str]] = {
    "improved": ("改善", "improved "),
    "worsened": ("恶化", "worsened "),
    "up": ("增加", "up "),
    "down": ("减少", "down "),
    "unchanged": ("持平", "unchanged"),
    "new": ("新增", "new"),
}
POINTS = ("个百分点", " pp")
# A rank moves in places, and a smaller number is the better place.
RANK_MOVES = {"better": ("进步{n}位", "up {n} places"), "worse": ("后退{n}位", "down {n} places")}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def section_title(section: str, lang: str) -> str:
    zh, en = SECTIONS.get(section, (section, section))
    return en if lang == "en" else zh


def year_label(year: int, lang: str) -> str:
    return str(year) if lang == "en" else f"{year}年"


def signed(metric: MetricDef, value) -> str:
    """A change with its sign: +5, -0.0012, 0."""
    if value is None:
        return ""
    text = format_value(metric, value)
    return f"+{text}" if value > 0 else text


def yoy_text(change: Change, lang: str = "zh") -> str:
    """同比 as the report writes it: 改善14.3%, 增加5.2%, 新增, 持平, +1.2个百分点."""
    if not change.trend:
        return ""
    if change.trend in ("new", "unchanged"):
        return TREND_WORDS[change.trend][lang == "en"]
    if change.metric.unit == "位" and change.change is not None:
        move = RANK_MOVES["better" if change.change < 0 else "worse"][lang == "en"]
        return move.format(n=abs(int(change.change)))
    if change.metric.kind == "percent":
        return signed(change.metric, change.change) + POINTS[lang == "en"]
    trend_word = TREND_WORDS.get(change.trend, (change.trend, change.trend))[lang == "en"]
    if change.change_pct is None:
        return trend_word.strip()
    return f"{trend_word}{abs(Decimal(change.change_pct)):f}%"


def unit_suffix(metric: MetricDef) -> str:
    return f"({metric.unit})" if metric.unit and metric.unit != "—" else ""


@dataclass
class Block:
    title: str
    headers: list[str]
    rows: list[list[str]]
    align: tuple[str, ...]
    note: str = ""  # a line under the table (the air section's standards)


def standards_line(standards: dict | None, lang: str = "zh") -> str:
    """"标准：HJ 633—2012（2026-01-01至2026-02-28）、HJ 633—2026（…）；年评价 HJ 663—2013", or ""."""
    from ..metrics.standards import title_of

    if not standards:
        return ""
    spans = word("standard_join", lang).join(
        word("standard_span", lang).format(title=title_of(span["id"]), id=span["id"], start=span["from"],
                                           end=span["to"])
        for span in standards["aqi"])
    annual = standards["annual"] if lang == "en" else title_of(standards["annual"])
    return word("standards", lang).format(aqi=spans, annual=annual)


def by_section(items: dict) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for item in items.values():
        grouped.setdefault(item.metric.section, []).append(item)
    return {section: grouped[section] for section in ordered_sections(grouped)}


def ordered_sections(sections) -> list[str]:
    known = [section for section in SECTIONS if section in sections]
    return known + sorted(section for section in sections if section not in SECTIONS)


def city_metrics(by_city: dict[str, dict], section: str) -> list[MetricDef]:
    """The metrics of one section that some city has, in first-seen order."""
    seen: dict[str, MetricDef] = {}
    for items in by_city.values():
        for item in items.values():
            if item.metric.section == section:
                seen.setdefault(item.metric.id, item.metric)
    return list(seen.values())


def summary_blocks(summary: Summary, lang: str = "zh") -> list[Block]:
    period = summary.period.label(lang)
    blocks: list[Block] = []
    top = by_section(summary.figures)
    city_sections = {f.metric.section for figures in summary.by_city.values() for f in figures.values()}
    for section in ordered_sections(set(top) | city_sections):
        title = f"{section_title(section, lang)}  ({period})"
        if section in top:
            rows = [[f.metric.label_for(lang), format_value(f.metric, f.value), f.metric.unit]
                    for f in top[section]]
            blocks.append(Block(title, [word("figure", lang), word("value", lang), word("unit", lang)],
                                rows, ("left", "right", "left")))
        metrics = city_metrics(summary.by_city, section)
        if metrics:
            # Figures down, cities across: a province's 16 cities stay within a wide terminal,
            # while 15 figure columns with long Chinese labels would not.
            cities = list(summary.by_city)
            headers = [word("figure", lang), *cities, word("unit", lang)]
            rows = []
            for metric in metrics:
                row = [metric.label_for(lang)]
                for city in cities:
                    figure: Figure | None = summary.by_city[city].get(metric.id)
                    row.append(format_value(metric, figure.value) if figure else "")
                rows.append(row + [metric.unit])
            city_title = f"{section_title(section, lang)} · {word('by_city', lang)}  ({period})"
            blocks.append(Block(city_title, headers, rows, ("left",) + ("right",) * len(cities) + ("left",)))
        if section == "air" and blocks:
            blocks[-1].note = standards_line(summary.standards, lang)
    return blocks


def summary_footer(summary: Summary, lang: str = "zh") -> list[str]:
    lines = []
    if summary.rows_left_out:
        lines.append(word("rows_left_out", lang).format(n=summary.rows_left_out))
    errors, warnings = count_by_severity(summary.findings)  # info findings are not counted here
    if errors or warnings:
        lines.append(word("findings", lang).format(errors=errors, warnings=warnings))
    lines.extend(word("note", lang) + note for note in summary.notes)
    return lines


def _change_row(change: Change, lang: str) -> list[str]:
    metric = change.metric
    return [metric.label_for(lang), format_value(metric, change.previous), format_value(metric, change.current),
            signed(metric, change.change), yoy_text(change, lang), metric.unit]


def compare_headers(comparison: Comparison, lang: str) -> list[str]:
    return [word("figure", lang), year_label(comparison.previous.year, lang),
            year_label(comparison.current.year, lang), word("change", lang), word("yoy", lang), word("unit", lang)]


def compare_blocks(comparison: Comparison, lang: str = "zh") -> list[Block]:
    period = comparison.current.period.label(lang)
    headers = compare_headers(comparison, lang)
    align = ("left", "right", "right", "right", "left", "left")
    blocks: list[Block] = []
    both = {mid: change for mid, change in comparison.changes.items() if not change.one_sided}
    last_air = None  # the air block the standards line goes under
    for section, changes in by_section(both).items():
        rows = [_change_row(change, lang) for change in changes]
        blocks.append(Block(f"{section_title(section, lang)}  ({period})", headers, rows, align))
        if section == "air":
            last_air = blocks[-1]
    city_sections = {c.metric.section for changes in comparison.by_city.values() for c in changes.values()}
    for section in ordered_sections(city_sections):
        rows = []
        for city, changes in comparison.by_city.items():
            for change in changes.values():
                if change.metric.section == section:
                    rows.append([city] + _change_row(change, lang))
        title = f"{section_title(section, lang)} · {word('by_city', lang)}  ({period})"
        blocks.append(Block(title, [word("city", lang)] + headers, rows, ("left",) + align))
        if section == "air":
            last_air = blocks[-1]
    metrics = rank_metrics(comparison)
    if metrics:
        rows = [[city] + [str(ranks[m.id]) if m.id in ranks else "" for m in metrics]
                for city, ranks in comparison.ranks.items()]
        title = f"{section_title('air', lang)} · {word('improvement_ranks', lang)}  ({period})"
        blocks.append(Block(title, [word("city", lang)] + [m.label_for(lang) + unit_suffix(m) for m in metrics],
                            rows, ("left",) + ("right",) * len(metrics)))
        last_air = blocks[-1]
    if last_air is not None:
        last_air.note = standards_line(comparison.standards, lang)
    return blocks


def rank_metrics(comparison: Comparison) -> list[MetricDef]:
    """The improvement ranks some city has ("改善幅度居全省第4位"), in first-seen order."""
    ids = dict.fromkeys(rank_id for ranks in comparison.ranks.values() for rank_id in ranks)
    return [metric_for(rank_id) for rank_id in ids]


def compare_header_lines(comparison: Comparison, lang: str = "zh") -> list[str]:
    previous, current = comparison.previous, comparison.current
    lines = [f"{year_label(previous.year, lang)} ({previous.source}) → {year_label(current.year, lang)} ({current.source})",
             comparison.span_line(lang)]
    if comparison.period_note:
        lines.append(word("note", lang) + comparison.period_note)
    if comparison.standards_note:
        lines.append(word("note", lang) + comparison.standards_note)
    return lines


def compare_footer(comparison: Comparison, lang: str = "zh") -> list[str]:
    lines = []
    for year, ids in ((comparison.previous.year, comparison.only_previous),
                      (comparison.current.year, comparison.only_current)):
        if ids:
            labels = "、".join(comparison.changes[mid].metric.label_for(lang) for mid in ids)
            lines.append(word("only_in", lang).format(year=year_label(year, lang)) + labels)
    return lines


def tabulate_block(block: Block, tablefmt: str) -> str:
    # disable_numparse: tabulate would otherwise reformat "0.0010" as 0.001.
    return tabulate(block.rows, headers=block.headers, tablefmt=tablefmt,
                    colalign=block.align, disable_numparse=True)


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
