"""The metric registry: every figure the report prints, declared once.

Everything else (metrics modules, renderers, compare, docs) reads this table.
Ids are stable: they are the keys of the JSON output and of every export.

kind:
  count    an integer number of things (件, 家次, 天 ...)
  money    exact; carried as integer fen, shown in 万元 with 4 decimals
  number   a measured or derived figure shown with `decimals` places
  percent  a rate in %, `decimals` places; year on year changes in 百分点
direction (the good direction, for year on year):
  lower    a fall is 改善 (concentrations, composite index, heavy days)
  higher   a rise is 改善 (good days, good rate)
  None     no judgement: 增加/减少
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "money", "number", "percent"]
Direction = Literal["lower", "higher"] | None

SECTIONS: dict[str, tuple[str, str]] = {
    # section id: (zh title, en title), in report order
    "air": ("空气质量", "Air quality"),
    "inspections": ("执法检查", "Enforcement inspections"),
    "penalties": ("行政处罚", "Administrative penalties"),
    "compensation": ("生态环境损害赔偿", "Damage compensation"),
    "indicators": ("其他指标", "Other indicators"),
}


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
    _m("air.rank_good_rate", "优良天数比率排名", "Rank by good-day rate", "位", "count"),
    _m("air.rank_composite_index", "综合指数排名", "Rank by composite index", "位", "count"),
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
        f"Rank by {base.label_en} improvement", "位", "count",
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
