"""地表水: GB 3838-2002 classes of river and lake sections (METRICS.md, water).

Per section in the period: each indicator's arithmetic mean (exact; below the
detection limit counts as half the limit, already so in the records), the
indicator's class, the section's class (its worst indicator), 优良/劣Ⅴ/达标, its
status words and main pollutants. Then the counts and ratios of the sections.
The limits and classes are domain/gb3838.py; this module only groups and counts.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from ..domain import gb3838
from ..numbers import half_up
from ..results import Entities, Figure, Period, SectionResult
from .common import figures
from .registry import MetricDef

KEY_LEVELS = ("国控", "省控")  # "国、省控断面"
MEAN_DECIMALS = 6  # a mean that does not end within 6 decimals is shown rounded half up

# The columns of the per-section table (by_section); not figure ids of the registry.
_COLUMN = {
    key: MetricDef(f"water.by_section.{key}", zh, en, "", "text")
    for key, zh, en in (
        ("level", "断面级别", "Level"), ("class", "水质类别", "Class"), ("status", "水质状况", "Status"),
        ("target", "目标类别", "Target"), ("met", "是否达标", "Target met"),
        ("main_pollutants", "主要污染物", "Main pollutants"),
    )
}
YES_NO = {True: "是", False: "否"}

# The section's paragraph (render/prose.py reads it through the registry): the report's
# "全市26个重点河流断面中，Ⅰ—Ⅲ类断面X个，占Y%；9个国、省控断面水体优良比例达到100%".
PROSE = {
    "span": ("", "{months}，"),
    "phrases": {
        "water.sections": "全市{v}重点河流断面中",
        "water.good_sections": "Ⅰ—Ⅲ类断面{v}",
        "water.good_ratio": "占{v}",
        "water.key_good_ratio": "{key_sections}国、省控断面水体优良比例达到{v}",
        "water.bad5_sections": "劣Ⅴ类断面{v}",
        "water.target_sections": "有考核目标的断面{v}",
        "water.target_met": "达标{v}",
        "water.target_rate": "达标率{v}",
        "short.water.good_ratio": "水质优良比例",
        "short.water.key_good_ratio": "国、省控断面优良比例",
        "short.water.bad5_ratio": "劣Ⅴ类比例",
    },
    "sentences": (
        (("v", "", "，", ("water.sections", "water.good_sections", "water.good_ratio")),
         ("v", "", "，", ("water.key_good_ratio",))),
        (("v", "", "，", ("water.bad5_sections",)),
         ("v", "", "，", ("water.target_sections", "water.target_met", "water.target_rate"))),
        (("yoy", "", "，", ("water.good_ratio", "water.key_good_ratio", "water.bad5_ratio")),),
    ),
}


def check_class(issues, frame: pl.DataFrame) -> None:
    """Sheet rule (schema.WATER): a given 水质类别 against the row's own GB 3838-2002 class, a warning.

    `issues` is checks.py's collector (masks become findings at their cells).
    """
    present = [indicator for indicator in gb3838.EVALUATED if indicator.key in frame.columns]
    if "class" not in frame.columns or not present:
        return
    lake = pl.col("body") == "湖库" if "body" in frame.columns else pl.lit(False)
    classes = [gb3838.class_expr(indicator, pl.col(indicator.key), lake) for indicator in present]
    computed = pl.max_horizontal(classes)
    issues.frame = issues.frame.with_columns(computed.alias("_class_no"))
    issues.frame = issues.frame.with_columns(
        pl.col("_class_no").replace_strict({n: gb3838.class_name(n) for n in range(1, 7)}, default=None,
                                           return_dtype=pl.Utf8).alias("_class"))
    # A row with an error is left out anyway; its class from the other values would mislead.
    clean = ~pl.col("_row").is_in(sorted(issues.error_rows))
    issues.add(clean & pl.col("class").is_not_null() & pl.col("_class").is_not_null()
               & (pl.col("class") != pl.col("_class")), "class", "water-class-mismatch", params=[pl.col("_class")])
    issues.frame = issues.frame.drop("_class_no", "_class")


def _in_period(records: pl.DataFrame, period: Period) -> pl.DataFrame:
    # A row counts by its 监测日期, else by its 月份 (DATA.md); --through cuts either.
    conditions = []
    if "date" in records.columns:
        conditions.append(pl.col("date").is_between(period.start, period.end))
    if "month" in records.columns:
        by_month = pl.col("month").is_between(period.start.month, period.end.month)
        conditions.append(pl.col("date").is_null() & by_month if "date" in records.columns else by_month)
    if not conditions:
        return records.clear()
    return records.filter(pl.any_horizontal(conditions).fill_null(False))


def _exact(value: float) -> Fraction:
    return Fraction(Decimal(repr(value)))


def mean_text(mean: Fraction) -> str:
    """The exact mean as a decimal string ("0.25"), rounded half up to 6 decimals where it does not end."""
    decimal = half_up(Decimal(mean.numerator) / Decimal(mean.denominator), MEAN_DECIMALS).normalize()
    return f"{decimal:f}"


def _ratio(part: int, whole: int) -> Decimal | None:
    return half_up(Decimal(part) * 100 / Decimal(whole), 1) if whole else None


def _first(values: list):
    return next((value for value in values if value is not None), None)


def compute_water(records: pl.DataFrame, period: Period) -> SectionResult:
    rows = _in_period(records, period)
    measured = [indicator for indicator in gb3838.INDICATORS if indicator.key in rows.columns]
    if rows.height == 0 or not measured:
        return SectionResult()
    extra = [key for key in ("level", "body", "target") if key in rows.columns]
    grouped = rows.group_by("section", maintain_order=True).agg(
        *[pl.col(key) for key in extra],
        *[pl.col(indicator.key).drop_nulls().alias(indicator.key) for indicator in measured],
    )
    sections: dict[str, dict] = {}
    for group in grouped.iter_rows(named=True):
        lake = _first(group.get("body") or []) == "湖库"
        means = {indicator.key: sum(map(_exact, group[indicator.key]), Fraction(0)) / len(group[indicator.key])
                 for indicator in measured if group[indicator.key]}
        classes = {key: gb3838.indicator_class(key, mean, lake) for key, mean in means.items()
                   if gb3838.BY_KEY[key].evaluated}
        if not classes:
            continue  # no evaluated value in the period: not a monitored section
        number = max(classes.values())
        target = _first(group.get("target") or [])
        sections[group["section"]] = {
            "number": number,
            "level": _first(group.get("level") or []),
            "target": target,
            "met": number <= gb3838.class_number(target) if target else None,
            "pollutants": gb3838.main_pollutants(means, lake) if number > gb3838.GOOD_UP_TO else [],
            "means": means,
            "classes": classes,
        }
    if not sections:
        return SectionResult()
    return SectionResult(_figures(sections, "level" in rows.columns, "target" in rows.columns),
                         entities=[_by_section(sections)])


def _figures(sections: dict[str, dict], has_level: bool, has_target: bool) -> dict[str, Figure]:
    numbers = [section["number"] for section in sections.values()]
    total = len(numbers)
    good = sum(number <= gb3838.GOOD_UP_TO for number in numbers)
    bad5 = sum(number == gb3838.WORST for number in numbers)
    values: dict[str, object] = {
        "water.sections": total,
        "water.good_sections": good,
        "water.good_ratio": _ratio(good, total),
        "water.bad5_sections": bad5,
        "water.bad5_ratio": _ratio(bad5, total),
    }
    for number in range(1, 6):
        values[f"water.class_{number}_sections"] = numbers.count(number)
    if has_target:
        targeted = [section for section in sections.values() if section["target"]]
        met = sum(bool(section["met"]) for section in targeted)
        values.update({"water.target_sections": len(targeted), "water.target_met": met,
                       "water.target_rate": _ratio(met, len(targeted))})
    if has_level:
        key = [section for section in sections.values() if section["level"] in KEY_LEVELS]
        key_good = sum(section["number"] <= gb3838.GOOD_UP_TO for section in key)
        values.update({"water.key_sections": len(key), "water.key_good_ratio": _ratio(key_good, len(key))})
    return figures(values)


def _by_section(sections: dict[str, dict]) -> Entities:
    rows, doc = {}, {}
    for name, section in sections.items():
        class_name = gb3838.class_name(section["number"])
        status = gb3838.STATUS[section["number"]]
        pollutants = section["pollutants"]
        doc[name] = {
            "class": class_name,
            "status": status,
            "level": section["level"],
            "target": section["target"],
            "met": section["met"],
            "main_pollutants": [{"indicator": indicator, "exceedance": f"{times:f}" if times is not None else None}
                                for indicator, times in pollutants],
            "indicators": {
                gb3838.BY_KEY[key].name: {
                    "mean": mean_text(mean),
                    "class": gb3838.class_name(section["classes"][key]) if key in section["classes"] else None,
                }
                for key, mean in section["means"].items()
            },
        }
        cells = {
            "level": section["level"], "class": class_name, "status": status, "target": section["target"],
            "met": YES_NO[section["met"]] if section["met"] is not None else None,
            "main_pollutants": "、".join(gb3838.pollutant_text(*item) for item in pollutants) or None,
        }
        rows[name] = {_COLUMN[key].id: Figure(_COLUMN[key], value) for key, value in cells.items()
                      if value is not None}
    return Entities("by_section", ("分断面", "by section"), ("断面", "Section"), rows, across=False, json=doc,
                    order=tuple(column.id for column in _COLUMN.values()))
