"""生态环境损害赔偿: cases started, agreements, amounts (METRICS.md, compensation)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from .common import count, fen_sum, figures, in_period


def compute_compensation(records: pl.DataFrame, period: Period) -> SectionResult:
    agreed = in_period("agreed_on", period)
    return SectionResult(figures({
        "compensation.cases_started": count(records, in_period("started_on", period)),
        "compensation.agreements": count(records, agreed),
        "compensation.amount": fen_sum(records, agreed, "amount"),
    }))
