"""Report prose: the paragraphs an annual report pastes in, in its own idiom.

"今年以来，累计检查企业2800余家次，立案109件，下达处罚决定书63件，共处罚款
609.7157万元；免罚87家次，免罚金额1413.2207万元；……" Every phrase is in the
tables below (PHRASES, PARAGRAPHS); the code only fills and joins them.

Numbers: counts ≥ 1000 are written as the report writes them, "2800余家次"
(down to the hundreds, "余" only when something was cut off); two amounts the
report states loosely are approximate ("350余万元", "754万余元"); every other
figure is exact, money with 4 decimals. Paragraphs: 空气质量; 执法 (inspections
and penalties share one paragraph, as the report's sentence does); 生态环境损害
赔偿; 其他指标. With lang="en" the figures are listed plainly, one paragraph per
section.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from ..metrics.registry import IMPROVEMENT_RANKED, SECTIONS, MetricDef
from ..model import Change, Comparison, Summary, format_value
from ..numbers import FEN_PER_WAN, wan_text
from .words import section_title, standards_line, yoy_text

PHRASES: dict[str, str] = {
    # -- spans of time --
    "months": "1-{n}月",
    "month": "1月",
    "range": "{start}至{end}",
    "day": "{m}月{d}日",
    # -- one clause per figure; {v} is the value with its unit --
    "air.good_days": "空气优良天数达到{v}",
    "air.good_rate": "优良率{v}",
    "air.excellent_days": "优级天数{v}",
    "air.heavy_days": "重度及以上污染天数{v}",
    "air.pm25": "PM₂.₅平均浓度为{v}",
    "air.pm10": "PM₁₀平均浓度为{v}",
    "air.so2": "SO₂平均浓度为{v}",
    "air.no2": "NO₂平均浓度为{v}",
    "air.co_p95": "CO日均值第95百分位数为{v}",
    "air.o3_8h_p90": "O₃日最大8小时第90百分位数为{v}",
    "air.composite_index": "环境空气质量综合指数为{v}",
    "air.valid_days": "有效监测天数{v}",
    "air.invalid_days": "无效天数{v}",
    "air.rank_good_rate": "优良率排名列第{n}位",
    "air.rank_composite_index": "综合指数排名列第{n}位",
    "inspections.visits": "累计检查企业{v}",
    "inspections.double_random": "双随机检查{v}",
    "inspections.complaint": "信访投诉检查{v}",
    "inspections.supervision": "环保督察检查{v}",
    "inspections.special_action": "专项行动检查{v}",
    "inspections.other": "其他检查{v}",
    "inspections.problems_found": "发现问题{v}",
    "inspections.remote": "非现场检查{v}",
    "inspections.enterprises": "共涉及企业{v}",
    "penalties.cases_filed": "立案{v}",
    "penalties.decisions": "下达处罚决定书{v}",
    "penalties.fines": "共处罚款{v}",
    "penalties.exempted": "免罚{v}",
    "penalties.exempted_amount": "免罚金额{v}",
    "penalties.reduced": "减罚{v}",
    "penalties.reduced_amount": "减罚金额{v}",
    "penalties.police_referrals": "移交公安机关涉刑案件{v}",
    "penalties.detentions": "行政拘留{v}",
    "penalties.legal_reviews": "对{v}行政处罚案件进行重大行政执法决定法制审核",
    "penalties.legal_review_amount": "涉及处罚金额{v}",
    "compensation.cases_started": "案件启动{v}",
    "compensation.agreements": "签订磋商协议{v}",
    "compensation.amount": "赔偿金额{v}",
    "indicator": "{label}{v}",
    # -- numbers said loosely --
    "about.count": "{n}余{unit}",  # 2800余家次
    "about.tens_wan": "{n}余万元",  # 350余万元
    "about.wan": "{n}万余元",  # 754万余元
    # -- year on year, read in the figure's good direction --
    "yoy": "{label}{change}",
    "yoy.improved": "同比改善{pct}%",
    "yoy.worsened": "同比恶化{pct}%",
    "yoy.up": "同比增加{pct}%",
    "yoy.down": "同比减少{pct}%",
    "yoy.unchanged": "同比持平",
    "yoy.new": "去年同期为0",
    "yoy.count_up": "同比增加{n}{unit}",  # days: 优良天数同比增加5天
    "yoy.count_down": "同比减少{n}{unit}",
    "yoy.points_up": "同比提高{n}个百分点",
    "yoy.points_down": "同比下降{n}个百分点",
    "yoy.rank_better": "较去年同期进步{n}个位次",
    "yoy.rank_worse": "较去年同期后退{n}个位次",
    "yoy.rank_same": "与去年同期持平",
    "improvement_rank": "改善幅度居第{n}位",
    # -- the air standards (按HJ 633—2026计) --
    "standard": "按{title}计",
    "standard_span": "{span}按{title}计",
    "standard_join": "、",
    "like_for_like": "同比按同口径（{year}年{spans}重新计算）",
    "like_for_like_span": "{span}按{title}",
    # -- openers --
    "place": "全市",
    "cities": "{n}个城市中，",
    "by_method": "按检查方式分，",
    "besides": "此外，",
}

# How each paragraph names its span: full year, or part of it ({months}).
SPANS: dict[str, tuple[str, str]] = {
    "air": ("全年，", "{months}，"),
    "enforcement": ("今年以来，", "{months}，"),
    "compensation": ("{year}年", "{year}年{months}"),
    "indicators": ("", ""),
}

# Names in year-on-year clauses (subscripts as the report prints them).
SHORT: dict[str, str] = {
    "air.pm25": "PM₂.₅", "air.pm10": "PM₁₀", "air.so2": "SO₂", "air.no2": "NO₂",
    "air.co_p95": "CO", "air.o3_8h_p90": "O₃", "air.composite_index": "综合指数",
    "air.good_days": "优良天数", "air.good_rate": "优良率", "air.excellent_days": "优级天数",
    "air.heavy_days": "重度及以上污染天数",
    "air.rank_good_rate": "优良率排名", "air.rank_composite_index": "综合指数排名",
    "inspections.visits": "检查企业家次", "penalties.cases_filed": "立案数",
    "penalties.decisions": "处罚决定书", "penalties.fines": "罚款金额",
    "penalties.police_referrals": "移交公安机关案件",
    "compensation.cases_started": "案件启动数", "compensation.agreements": "签订磋商协议数",
    "compensation.amount": "赔偿金额",
}
UNITS: dict[str, str] = {"µg/m³": "微克/立方米", "mg/m³": "毫克/立方米", "—": ""}
# Amounts the report itself states loosely, and how.
ABOUT_MONEY: dict[str, str] = {"penalties.legal_review_amount": "about.tens_wan", "compensation.amount": "about.wan"}
ABOUT_COUNT_FROM = 1000
SKIP_ZERO = {"air.invalid_days"}

CONCENTRATIONS = ("air.pm25", "air.pm10", "air.so2", "air.no2", "air.co_p95", "air.o3_8h_p90", "air.composite_index")
AIR_DAYS = ("air.good_days", "air.good_rate", "air.rank_good_rate", "air.rank_composite_index",
            "air.excellent_days", "air.heavy_days")
METHODS = ("inspections.double_random", "inspections.complaint", "inspections.supervision",
           "inspections.special_action", "inspections.other")

# A paragraph is sentences; a sentence is groups joined by "；"; a group is
# (kind, opener, joiner, ids): kind "v" says values, "yoy" says year-on-year changes.
PARAGRAPHS: dict[str, tuple] = {
    "air": (
        (("yoy", "", "，", CONCENTRATIONS), ("v", "", "，", AIR_DAYS), ("yoy", "", "，", AIR_DAYS)),
        (("v", "", "，", CONCENTRATIONS),),
        (("v", "", "，", ("air.valid_days", "air.invalid_days")),),
    ),
    "enforcement": (
        (("v", "", "，", ("inspections.visits", "penalties.cases_filed", "penalties.decisions", "penalties.fines")),
         ("v", "", "，", ("penalties.exempted", "penalties.exempted_amount")),
         ("v", "", "，", ("penalties.reduced", "penalties.reduced_amount"))),
        (("v", "", "、", ("penalties.police_referrals", "penalties.detentions")),),
        (("v", "", "，", ("penalties.legal_reviews", "penalties.legal_review_amount")),),
        (("v", "by_method", "、", METHODS),
         ("v", "", "，", ("inspections.problems_found", "inspections.remote", "inspections.enterprises"))),
        (("yoy", "", "，", ("inspections.visits", "penalties.cases_filed", "penalties.decisions",
                            "penalties.fines", "penalties.police_referrals")),),
    ),
    "compensation": (
        (("v", "", "，", ("compensation.cases_started", "compensation.agreements", "compensation.amount")),),
        (("yoy", "", "，", ("compensation.cases_started", "compensation.agreements", "compensation.amount")),),
    ),
}


def _floor(value: Decimal, step: int) -> int:
    return int((value / step).to_integral_value(rounding=ROUND_FLOOR)) * step


def prose_value(metric: MetricDef, value) -> str:
    """A value with its unit as the report writes it: 2800余家次, 609.7157万元, 6微克/立方米."""
    unit = UNITS.get(metric.unit, metric.unit)
    if metric.kind == "count":
        count = int(value)
        if count >= ABOUT_COUNT_FROM and count % 100:
            return PHRASES["about.count"].format(n=count // 100 * 100, unit=unit)
        return f"{count}{unit}"
    if metric.kind == "money":
        fen = int(value)
        style = ABOUT_MONEY.get(metric.id)
        wan = Decimal(fen) / FEN_PER_WAN
        if style == "about.tens_wan" and wan >= 100:
            tens = _floor(wan, 10)
            return f"{tens}{unit}" if wan == tens else PHRASES[style].format(n=tens)
        if style and wan >= 1:
            whole = _floor(wan, 1)
            return f"{whole}{unit}" if wan == whole else PHRASES["about.wan"].format(n=whole)
        return f"{wan_text(fen)}{unit}"
    if metric.kind == "percent" and value == 100:
        return f"100{unit}"  # 达到100%, as the report writes a full share
    return f"{format_value(metric, value)}{unit}"


def _number(value) -> str:
    return f"{abs(Decimal(value)):f}"


def yoy_phrase(change: Change) -> str:
    """The change in words: 同比改善14.3%, 同比增加5天, 同比提高1.2个百分点."""
    metric = change.metric
    if not change.trend:
        return ""
    if metric.kind == "rank":  # a smaller number is a better place
        if change.change == 0:
            return PHRASES["yoy.rank_same"]
        key = "yoy.rank_better" if change.change < 0 else "yoy.rank_worse"
        return PHRASES[key].format(n=abs(int(change.change)))
    if change.trend in ("unchanged", "new"):
        return PHRASES[f"yoy.{change.trend}"]
    rising = change.change is not None and change.change > 0
    if metric.kind == "percent":
        return PHRASES["yoy.points_up" if rising else "yoy.points_down"].format(n=_number(change.change))
    if metric.kind == "count" and metric.direction:
        return PHRASES["yoy.count_up" if rising else "yoy.count_down"].format(
            n=abs(int(change.change)), unit=UNITS.get(metric.unit, metric.unit))
    if change.change_pct is None or f"yoy.{change.trend}" not in PHRASES:
        return ""
    return PHRASES[f"yoy.{change.trend}"].format(pct=_number(change.change_pct))


def span_text(summary: Summary, paragraph) -> str:
    """"今年以来，", "1-11月，", "2023年1-11月"… for the summary's period."""
    start, end = summary.period.start, summary.period.end
    full, part = SPANS[paragraph] if isinstance(paragraph, str) else paragraph
    year_start = start == dt.date(start.year, 1, 1)
    month_end = (end + dt.timedelta(days=1)).day == 1
    if year_start and end == dt.date(start.year, 12, 31):
        return full.format(year=summary.year)
    if year_start and month_end and end.year == start.year:
        months = PHRASES["month"] if end.month == 1 else PHRASES["months"].format(n=end.month)
    else:
        day = PHRASES["day"]
        months = PHRASES["range"].format(start=day.format(m=start.month, d=start.day),
                                         end=day.format(m=end.month, d=end.day))
    return part.format(year=summary.year, months=months)


class _Place:
    """The figures and changes of one place (the whole sheet, or one city)."""

    def __init__(self, figures: dict, changes: dict, ranks: dict | None = None, phrases: dict | None = None):
        self.figures = figures
        self.changes = changes
        self.ranks = ranks or {}  # improvement ranks of a city
        self.phrases = {**PHRASES, **(phrases or {})}  # a section's own phrases (its prose spec)

    def value_clause(self, metric_id: str) -> str:
        figure = self.figures.get(metric_id)
        if figure is None or metric_id not in self.phrases:
            return ""
        if metric_id in SKIP_ZERO and not figure.value:
            return ""
        if figure.metric.kind == "rank":
            return self.phrases[metric_id].format(n=int(figure.value))
        # A phrase may name other figures of the place by their short name: {key_sections}.
        others = {mid.split(".", 1)[1]: prose_value(f.metric, f.value) for mid, f in self.figures.items()}
        try:
            return self.phrases[metric_id].format(**{**others, "v": prose_value(figure.metric, figure.value)})
        except KeyError:  # a figure the phrase names is absent (its column is not in the sheet)
            return ""

    def yoy_clause(self, metric_id: str) -> str:
        change = self.changes.get(metric_id)
        if change is None or change.one_sided:
            return ""
        phrase = yoy_phrase(change)
        if not phrase:
            return ""
        label = self.phrases.get(f"short.{metric_id}") or SHORT.get(metric_id, change.metric.label)
        clause = PHRASES["yoy"].format(label=label, change=phrase)
        name = metric_id.split(".", 1)[1]
        rank = self.ranks.get(f"air.rank_{name}_improvement") if name in IMPROVEMENT_RANKED else None
        if rank is not None:
            clause += "，" + PHRASES["improvement_rank"].format(n=int(rank))
        return clause

    def sentences(self, spec: tuple) -> list[str]:
        sentences = []
        for groups in spec:
            parts = []
            for kind, opener, joiner, ids in groups:
                clause = self.value_clause if kind == "v" else self.yoy_clause
                clauses = [text for text in map(clause, ids) if text]
                if clauses:
                    parts.append((self.phrases[opener] if opener else "") + joiner.join(clauses))
            if parts:
                sentences.append("；".join(parts) + "。")
        return sentences


def _day_span(start: str, end: str) -> str:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    day = PHRASES["day"]
    return PHRASES["range"].format(start=day.format(m=first.month, d=first.day),
                                   end=day.format(m=last.month, d=last.day))


def standards_clause(summary: Summary, comparison: Comparison | None = None) -> str:
    """"按HJ 633—2026计，", or per span for a year under two standards; with the 同口径 clause
    of a comparison whose previous year was recomputed. "" without standards."""
    from ..domain.standards import title_of

    if not summary.standards:
        return ""
    spans = summary.standards["aqi"]
    if len(spans) == 1:
        clause = PHRASES["standard"].format(title=title_of(spans[0]["id"]))
    else:
        clause = PHRASES["standard_join"].join(
            PHRASES["standard_span"].format(span=_day_span(span["from"], span["to"]), title=title_of(span["id"]))
            for span in spans)
    clause += "，"
    previous = comparison.previous if comparison else None
    if previous is not None and previous.recomputed:
        clause += PHRASES["like_for_like"].format(year=previous.year, spans=PHRASES["standard_join"].join(
            PHRASES["like_for_like_span"].format(span=_day_span(span["from"], span["to"]), title=title_of(span["id"]))
            for span in previous.recomputed)) + "，"
    return clause


def _air_paragraph(summary: Summary, comparison: Comparison | None) -> str:
    span = span_text(summary, "air") + standards_clause(summary, comparison)
    spec = PARAGRAPHS["air"]
    if summary.by_city:
        city_changes = comparison.by_city if comparison else {}
        city_ranks = comparison.ranks if comparison else {}
        text = []
        for city, figures in summary.by_city.items():
            place = _Place(figures, city_changes.get(city, {}), city_ranks.get(city))
            sentences = place.sentences(spec)
            if sentences:
                text.append(city + "".join(sentences))
        return span + PHRASES["cities"].format(n=len(summary.by_city)) + "".join(text) if text else ""
    changes = comparison.changes if comparison else {}
    sentences = _Place(summary.figures, changes).sentences(spec)
    return span + PHRASES["place"] + "".join(sentences) if sentences else ""


def _paragraph(summary: Summary, comparison: Comparison | None, name: str) -> str:
    changes = comparison.changes if comparison else {}
    sentences = _Place(summary.figures, changes).sentences(PARAGRAPHS[name])
    return span_text(summary, name) + "".join(sentences) if sentences else ""


def _indicators_paragraph(summary: Summary) -> str:
    clauses = [PHRASES["indicator"].format(label=f.metric.label, v=prose_value(f.metric, f.value))
               for mid, f in summary.figures.items() if f.metric.section == "indicators"]
    return "，".join(clauses) + "。" if clauses else ""


def _section_paragraph(summary: Summary, comparison: Comparison | None, spec: dict) -> str:
    """A section's paragraph from its own prose spec (the registry's `prose`): no code per section.

    spec: {"phrases": {id or opener: template}, "span": (full year, part of it), "sentences": PARAGRAPHS-style}
    """
    changes = comparison.changes if comparison else {}
    sentences = _Place(summary.figures, changes, phrases=spec.get("phrases")).sentences(spec["sentences"])
    if not sentences:
        return ""
    return span_text(summary, spec.get("span", ("", ""))) + "".join(sentences)


# The paragraphs of the sections written before section prose specs existed, by section;
# penalties share the enforcement paragraph with inspections, as the report's sentence does.
BUILT_IN: dict[str, object] = {
    "air": lambda summary, comparison: _air_paragraph(summary, comparison),
    "inspections": lambda summary, comparison: _paragraph(summary, comparison, "enforcement"),
    "compensation": lambda summary, comparison: _paragraph(summary, comparison, "compensation"),
}


def _zh(summary: Summary, comparison: Comparison | None) -> str:
    paragraphs = []
    for section_id, section in SECTIONS.items():
        spec = section.prose
        if spec is not None:
            paragraphs.append(_section_paragraph(summary, comparison, spec))
        elif section_id in BUILT_IN:
            paragraphs.append(BUILT_IN[section_id](summary, comparison))
    paragraphs = [p for p in paragraphs if p]
    indicators = _indicators_paragraph(summary)
    if indicators:
        paragraphs.append((PHRASES["besides"] if paragraphs else "") + indicators)
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def _en_unit(metric: MetricDef) -> str:
    if metric.unit in ("", "—"):
        return ""
    return metric.unit if metric.unit == "%" else f" {metric.unit}"


def _en(summary: Summary, comparison: Comparison | None) -> str:
    changes = comparison.changes if comparison else {}
    paragraphs = []
    for section in SECTIONS:
        clauses = []
        for mid, figure in summary.figures.items():
            if figure.metric.section != section:
                continue
            metric = figure.metric
            unit = _en_unit(metric)
            clause = f"{metric.label_en} {format_value(metric, figure.value)}{unit}"
            change = changes.get(mid)
            if change is not None and not change.one_sided and yoy_text(change, "en"):
                clause += f" ({yoy_text(change, 'en')} year on year)"
            clauses.append(clause)
        for table in summary.entities.values():
            for entity, figures in table.rows.items():
                for figure in figures.values():
                    if figure.metric.section == section:
                        metric = figure.metric
                        clauses.append(f"{entity}: {metric.label_en} {format_value(metric, figure.value)}"
                                       f"{_en_unit(metric)}")
        if clauses:
            text = f"{section_title(section, 'en')} ({summary.period.label('en')}): " + "; ".join(clauses) + "."
            if section == "air" and summary.standards:
                text += " " + standards_line(comparison.standards if comparison else summary.standards, "en") + "."
                if comparison and comparison.previous.recomputed:
                    spans = "; ".join(f"{span['from']} to {span['to']} with {span['id']}"
                                      for span in comparison.previous.recomputed)
                    text += (f" Like-for-like: {comparison.previous.year} is recomputed with the standard of the"
                             f" same date in {comparison.current.year} ({spans}).")
            paragraphs.append(text)
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def prose(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> str:
    """The report's paragraphs for `summary`, with year-on-year sentences when `comparison` is given.

    With a comparison, a last paragraph states the span it was made over (which
    may be shorter than the summary's: export compares over the span both years have).
    """
    text = _en(summary, comparison) if lang == "en" else _zh(summary, comparison)
    if comparison is not None and text:
        notes = [comparison.span_line(lang)] + ([comparison.period_note] if comparison.period_note else [])
        text += "\n" + "\n".join(notes) + "\n"
    return text


def summary_prose(summary: Summary, lang: str = "zh") -> str:
    return prose(summary, None, lang)


def compare_prose(comparison: Comparison, lang: str = "zh") -> str:
    return prose(comparison.current, comparison, lang)
