"""The words every renderer shares: headers, trend words, titles, 同比 text.

Table, Markdown, prose, XLSX (and any later renderer) import these, so a figure
reads the same in every format.
"""
from __future__ import annotations

from decimal import Decimal

from ..metrics.registry import SECTIONS, MetricDef
from ..model import Change, format_value

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
RANK_MOVES = {"better": ("进步{n}个位次", "up {n} places"), "worse": ("后退{n}个位次", "down {n} places")}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def section_title(section: str, lang: str) -> str:
    known = SECTIONS.get(section)
    return known.title_for(lang) if known else section


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
    if change.metric.kind == "rank" and change.change is not None:
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


def standards_line(standards: dict | None, lang: str = "zh") -> str:
    """"标准：HJ 633—2012（2026-01-01至2026-02-28）、HJ 633—2026（…）；年评价 HJ 663—2013", or ""."""
    from ..domain.standards import title_of

    if not standards:
        return ""
    spans = word("standard_join", lang).join(
        word("standard_span", lang).format(title=title_of(span["id"]), id=span["id"], start=span["from"],
                                           end=span["to"])
        for span in standards["aqi"])
    annual = standards["annual"] if lang == "en" else title_of(standards["annual"])
    return word("standards", lang).format(aqi=spans, annual=annual)
