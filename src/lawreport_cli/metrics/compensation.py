"""生态环境损害赔偿: cases started, agreements, amounts (METRICS.md, compensation)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from .common import count_of, fen_sum_of, figures, in_period, totals


def compute_compensation(records: pl.DataFrame, period: Period) -> SectionResult:
    agreed = in_period("agreed_on", period)
    return SectionResult(figures(totals(records, {
        "compensation.cases_started": count_of(in_period("started_on", period)),
        "compensation.agreements": count_of(agreed),
        "compensation.amount": fen_sum_of(agreed, "amount"),
    })))
