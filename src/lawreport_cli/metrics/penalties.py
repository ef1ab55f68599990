"""行政处罚: cases, decisions, fines, waived and reduced fines, referrals (METRICS.md, penalties)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from .common import count_of, fen_sum_of, figures, in_period, monthly_counts, monthly_totals, totals


def _flag(records: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column).fill_null(False) if column in records.columns else pl.lit(False)


def compute_penalties(records: pl.DataFrame, period: Period) -> SectionResult:
    decided = in_period("decided_on", period)
    outcome = pl.col("outcome")
    punished = outcome.is_in(["处罚", "减罚"])
    decision = decided & punished
    exempted = decided & (outcome == "免罚")
    reduced = decided & (outcome == "减罚")
    # A row's date, for counting in a period, is its 决定日期, else its 立案日期 (DATA.md).
    row_date = pl.coalesce("decided_on", "filed_on").is_between(period.start, period.end).fill_null(False)
    has_waived = "waived" in records.columns
    has_review = "legal_review" in records.columns
    review = decided & _flag(records, "legal_review")
    values = totals(records, {
        "penalties.cases_filed": count_of(in_period("filed_on", period)),
        "penalties.decisions": count_of(decision),
        "penalties.fines": fen_sum_of(decision, "fine"),
        "penalties.exempted": count_of(exempted),
        "penalties.exempted_amount": fen_sum_of(exempted, "waived") if has_waived else None,
        "penalties.reduced": count_of(reduced),
        "penalties.reduced_amount": fen_sum_of(reduced, "waived") if has_waived else None,
        "penalties.police_referrals": (
            count_of(row_date & _flag(records, "referred")) if "referred" in records.columns else None),
        "penalties.detentions": (
            count_of(row_date & _flag(records, "detention")) if "detention" in records.columns else None),
        "penalties.legal_reviews": count_of(review) if has_review else None,
        "penalties.legal_review_amount": fen_sum_of(review, "fine") if has_review else None,
    })
    monthly = {
        "penalties.cases_filed": monthly_counts(records, "filed_on", pl.lit(True), period),
        **monthly_totals(records, "decided_on", period, {
            "penalties.decisions": (punished, None),
            "penalties.fines": (punished, "fine"),
        }),
    }
    return SectionResult(figures(values), monthly=monthly)
