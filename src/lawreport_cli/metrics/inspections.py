"""执法检查: inspection visits by method (METRICS.md, inspections)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from ..words import credit_code_key_expr, enterprise_key_expr
from .common import count_of, figures, in_period, totals

METHOD_METRICS = {
    "双随机": "inspections.double_random",
    "信访投诉": "inspections.complaint",
    "环保督察": "inspections.supervision",
    "专项行动": "inspections.special_action",
    "其他": "inspections.other",
}


def compute_inspections(records: pl.DataFrame, period: Period) -> SectionResult:
    visits = records.filter(in_period("date", period))
    values = {
        "inspections.visits": visits.height,
        "inspections.enterprises": count_enterprises(visits),
    }
    values.update(totals(visits, {
        **{metric_id: count_of(pl.col("method") == method) for method, metric_id in METHOD_METRICS.items()},
        "inspections.problems_found": count_of(pl.col("problem_found")) if "problem_found" in visits.columns else None,
        "inspections.remote": count_of(pl.col("remote")) if "remote" in visits.columns else None,
    }))
    return SectionResult(figures(values))


def count_enterprises(visits: pl.DataFrame) -> int:
    """Distinct enterprises (METRICS.md inspections.enterprises).

    A credit code is one enterprise (NFKC, case ignored). A visit without a code
    belongs to the coded enterprise of the same name (NFKC, no whitespace, brackets
    unified), so it adds none; only names that never carry a code count by name.
    Chosen where the spec is silent: one name under two codes is two enterprises (the
    code decides), and an uncoded visit to such a name joins one of them, adding none.
    """
    name = enterprise_key_expr(pl.col("enterprise")).replace("", None)
    if "credit_code" not in visits.columns:
        return visits.select(name.drop_nulls().n_unique()).item()
    keyed = visits.select(credit_code_key_expr(pl.col("credit_code")).alias("code"), name.alias("name"))
    coded = keyed.filter(pl.col("code").is_not_null())
    uncoded_names = keyed.filter(pl.col("code").is_null()).get_column("name").drop_nulls().unique()
    coded_names = coded.get_column("name").drop_nulls().unique()
    return coded.get_column("code").n_unique() + uncoded_names.filter(~uncoded_names.is_in(coded_names.implode())).len()
