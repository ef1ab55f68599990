"""The metric registry: every figure the report prints, declared once.

Everything else (metrics modules, renderers, compare, docs) reads this table.
Ids are stable: they are the keys of the JSON output and of every export.

kind:
  count    an integer number of things (件, 家次, 天 ...)
  rank     a place among others, 1 = best (direction "lower"); year on year
           changes in places (进步2个位次), never in percent
  money    exact; carried as integer fen, shown in 万元 with 4 decimals
  number   a measured or derived figure shown with `decimals` places
  percent  a rate in %, `decimals` places; year on year changes in 百分点
  text     a word (a water class, a status), in per-entity tables only
direction (the good direction, for year on year):
  lower    a fall is 改善 (concentrations, composite index, heavy days)
  higher   a rise is 改善 (good days, good rate)
  None     no judgement: 增加/减少
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rank", "money", "number", "percent", "text"]
Direction = Literal["lower", "higher"] | None


@dataclass(frozen=True)
class SectionDef:
    """One report section: its titles, the sheet it reads, the function that computes it.

    `compute` and `prose` are "module:name" paths, imported when first used, so the
    registry (and `lawreport --help`) imports no data library. compute(records,
    period) returns a results.SectionResult; `prose`, when given, names the section's
    paragraph spec (render/prose.py reads it), so a new section's sentences need no
    renderer code.
    """

    id: str
    title: str
    title_en: str
    sheet: str  # the schema key of the sheet (schema.BY_KEY)
    compute_path: str
    prose_path: str = ""
    options: tuple[str, ...] = ()  # what compute takes from summarize by name ("plan": the air standards)

    def title_for(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title

    def compute(self, records, period, **options):
        return _resolve(self.compute_path)(records, period, **options)

    @property
    def prose(self) -> dict | None:
        return _resolve(self.prose_path) if self.prose_path else None


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _s(id, title, title_en, compute, prose="", options=()) -> SectionDef:
    return SectionDef(id, title, title_en, id, f"lawreport_cli.metrics.{id}:{compute}", prose, options)


# In report order; `summarize` computes, and every renderer shows, the sections in this order.
SECTIONS: dict[str, SectionDef] = {section.id: section for section in (
    _s("air", "空气质量", "Air quality", "compute_air", options=("plan",)),
    _s("water", "地表水", "Surface water", "compute_water", "lawreport_cli.metrics.water:PROSE"),
    _s("inspections", "执法检查", "Enforcement inspections", "compute_inspections"),
    _s("penalties", "行政处罚", "Administrative penalties", "compute_penalties"),
    _s("compensation", "生态环境损害赔偿", "Damage compensation", "compute_compensation"),
    _s("indicators", "其他指标", "Other indicators", "compute_indicators"),
)}


@dataclass(frozen=True)
class MetricDef:
    id: str
    label: str  # Chinese label, as the report says it
    label_en: str
    unit: str
    kind: Kind
    decimals: int = 0
    direction: Direction = None

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]

    def label_for(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label


def _m(id, label, label_en, unit, kind, decimals=0, direction=None) -> MetricDef:
    return MetricDef(id, label, label_en, unit, kind, decimals, direction)


METRICS: tuple[MetricDef, ...] = (
    _m("air.valid_days", "有效监测天数", "Valid monitoring days", "天", "count"),
    _m("air.invalid_days", "无效天数", "Invalid days", "天", "count"),
    _m("air.good_days", "优良天数", "Good days", "天", "count", direction="higher"),
    _m("air.good_rate", "优良天数比率", "Good-day rate", "%", "percent", 1, "higher"),
    _m("air.excellent_days", "优级天数", "Excellent days", "天", "count", direction="higher"),
    _m("air.heavy_days", "重度及以上污染天数", "Heavy-pollution days", "天", "count", direction="lower"),
    _m("air.pm25", "PM2.5平均浓度", "PM2.5 mean", "µg/m³", "number", 0, "lower"),
    _m("air.pm10", "PM10平均浓度", "PM10 mean", "µg/m³", "number", 0, "lower"),
    _m("air.so2", "SO2平均浓度", "SO2 mean", "µg/m³", "number", 0, "lower"),
    _m("air.no2", "NO2平均浓度", "NO2 mean", "µg/m³", "number", 0, "lower"),
    _m("air.co_p95", "CO日均值第95百分位数", "CO 24-h 95th percentile", "mg/m³", "number", 1, "lower"),
    _m("air.o3_8h_p90", "O3日最大8小时第90百分位数", "O3 max 8-h 90th percentile", "µg/m³", "number", 0, "lower"),
    _m("air.composite_index", "环境空气质量综合指数", "Composite air quality index", "—", "number", 2, "lower"),
    # Ranks among the cities of one sheet (1 = best); only with several cities.
    _m("air.rank_good_rate", "优良天数比率排名", "Rank by good-day rate", "位", "rank", direction="lower"),
    _m("air.rank_composite_index", "综合指数排名", "Rank by composite index", "位", "rank", direction="lower"),
    # GB 3838-2002 classes of river and lake sections (metrics/water.py).
    _m("water.sections", "监测断面数", "Sections monitored", "个", "count"),
    _m("water.good_sections", "Ⅰ—Ⅲ类断面数", "Sections of class I-III", "个", "count", direction="higher"),
    _m("water.good_ratio", "水质优良比例", "Share of class I-III", "%", "percent", 1, "higher"),
    _m("water.bad5_sections", "劣Ⅴ类断面数", "Sections worse than class V", "个", "count", direction="lower"),
    _m("water.bad5_ratio", "劣Ⅴ类比例", "Share worse than class V", "%", "percent", 1, "lower"),
    _m("water.class_1_sections", "Ⅰ类断面数", "Sections of class I", "个", "count"),
    _m("water.class_2_sections", "Ⅱ类断面数", "Sections of class II", "个", "count"),
    _m("water.class_3_sections", "Ⅲ类断面数", "Sections of class III", "个", "count"),
    _m("water.class_4_sections", "Ⅳ类断面数", "Sections of class IV", "个", "count"),
    _m("water.class_5_sections", "Ⅴ类断面数", "Sections of class V", "个", "count"),
    _m("water.target_sections", "有考核目标断面数", "Sections with a target", "个", "count"),
    _m("water.target_met", "达标断面数", "Sections meeting their target", "个", "count", direction="higher"),
    _m("water.target_rate", "达标率", "Share meeting their target", "%", "percent", 1, "higher"),
    _m("water.key_sections", "国、省控断面数", "National and provincial sections", "个", "count"),
    _m("water.key_good_ratio", "国、省控断面优良比例", "National and provincial share of class I-III", "%",
       "percent", 1, "higher"),
    _m("inspections.visits", "检查企业家次", "Inspection visits", "家次", "count"),
    _m("inspections.enterprises", "检查企业数", "Enterprises inspected", "家", "count"),
    _m("inspections.double_random", "双随机检查", "Double-random inspections", "家次", "count"),
    _m("inspections.complaint", "信访投诉检查", "Complaint inspections", "家次", "count"),
    _m("inspections.supervision", "环保督察检查", "Supervision inspections", "家次", "count"),
    _m("inspections.special_action", "专项行动检查", "Special-action inspections", "家次", "count"),
    _m("inspections.other", "其他检查", "Other inspections", "家次", "count"),
    _m("inspections.problems_found", "发现问题家次", "Visits finding problems", "家次", "count"),
    _m("inspections.remote", "非现场检查", "Remote inspections", "家次", "count"),
    _m("penalties.cases_filed", "立案数", "Cases filed", "件", "count"),
    _m("penalties.decisions", "下达处罚决定书", "Penalty decisions", "件", "count"),
    _m("penalties.fines", "罚款金额", "Fines", "万元", "money"),
    _m("penalties.exempted", "免罚", "Penalties waived", "家次", "count"),
    _m("penalties.exempted_amount", "免罚金额", "Amount waived", "万元", "money"),
    _m("penalties.reduced", "减罚", "Penalties reduced", "家次", "count"),
    _m("penalties.reduced_amount", "减罚金额", "Amount reduced", "万元", "money"),
    _m("penalties.police_referrals", "移送公安机关", "Referred to police", "起", "count"),
    _m("penalties.detentions", "行政拘留", "Administrative detentions", "起", "count"),
    _m("penalties.legal_reviews", "法制审核", "Legal reviews", "件", "count"),
    _m("penalties.legal_review_amount", "法制审核涉及金额", "Fines under legal review", "万元", "money"),
    _m("compensation.cases_started", "案件启动", "Cases started", "件", "count"),
    _m("compensation.agreements", "签订磋商协议", "Agreements signed", "件", "count"),
    _m("compensation.amount", "赔偿金额", "Compensation agreed", "万元", "money"),
)

BY_ID: dict[str, MetricDef] = {metric.id: metric for metric in METRICS}

# compare: improvement ranks of cities, one per figure below ("改善幅度居全省第4位").
IMPROVEMENT_RANKED = ("so2", "no2", "pm10", "pm25", "co_p95", "o3_8h_p90", "composite_index")


def improvement_rank_metric(name: str) -> MetricDef:
    base = BY_ID[f"air.{name}"]
    return MetricDef(
        f"air.rank_{name}_improvement", f"{base.label}改善幅度排名",
        f"Rank by {base.label_en} improvement", "位", "rank", 0, "lower",
    )


def indicator_metric(name: str, unit: str | None) -> MetricDef:
    """`indicators.<指标>`: declared by the data itself, one per named counter."""
    return MetricDef(f"indicators.{name}", name, name, unit or "", "number", 0, None)


def metric_for(metric_id: str, unit: str | None = None) -> MetricDef:
    if metric_id in BY_ID:
        return BY_ID[metric_id]
    if metric_id.startswith("indicators."):
        return indicator_metric(metric_id.split(".", 1)[1], unit)
    for name in IMPROVEMENT_RANKED:
        if metric_id == f"air.rank_{name}_improvement":
            return improvement_rank_metric(name)
    raise KeyError(metric_id)
