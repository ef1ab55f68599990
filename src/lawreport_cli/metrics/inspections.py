"""执法检查: inspection visits by method (METRICS.md, inspections)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from .common import count, figures, in_period

METHOD_METRICS = {
    "双随机": "inspections.double_random",
    "信访投诉": "inspections.complaint",
    "环保督察": "inspections.supervision",
    "专项行动": "inspections.special_action",
    "其他": "inspections.other",
}


def compute_inspections(records: pl.DataFrame, period: Period) -> SectionResult:
    visits = records.filter(in_period("date", period))
    # An enterprise is its credit code where it has one, else its name.
    enterprise = pl.coalesce("credit_code", "enterprise") if "credit_code" in visits.columns else pl.col("enterprise")
    values = {
        "inspections.visits": visits.height,
        "inspections.enterprises": visits.select(enterprise.drop_nulls().n_unique()).item(),
    }
    for method, metric_id in METHOD_METRICS.items():
        values[metric_id] = count(visits, pl.col("method") == method)
    values["inspections.problems_found"] = (
        count(visits, pl.col("problem_found")) if "problem_found" in visits.columns else None)
    values["inspections.remote"] = count(visits, pl.col("remote")) if "remote" in visits.columns else None
    return SectionResult(figures(values))
