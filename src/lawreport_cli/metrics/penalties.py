"""行政处罚: cases, decisions, fines, waived and reduced fines, referrals (METRICS.md, penalties)."""
from __future__ import annotations

import polars as pl

from ..results import Figure, Period, SectionResult
from .common import count, fen_sum, figures, in_period, monthly_counts


def _flag(records: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column).fill_null(False) if column in records.columns else pl.lit(False)


def compute_penalties(records: pl.DataFrame, period: Period) -> SectionResult:
    decided = in_period("decided_on", period)
    outcome = pl.col("outcome")
    decision = decided & outcome.is_in(["处罚", "减罚"])
    exempted = decided & (outcome == "免罚")
    reduced = decided & (outcome == "减罚")
    # A row's date, for counting in a period, is its 决定日期, else its 立案日期 (DATA.md).
    row_date = pl.coalesce("decided_on", "filed_on").is_between(period.start, period.end).fill_null(False)
    has_waived = "waived" in records.columns
    has_review = "legal_review" in records.columns
    review = decided & _flag(records, "legal_review")
    values = {
        "penalties.cases_filed": count(records, in_period("filed_on", period)),
        "penalties.decisions": count(records, decision),
        "penalties.fines": fen_sum(records, decision, "fine"),
        "penalties.exempted": count(records, exempted),
        "penalties.exempted_amount": fen_sum(records, exempted, "waived") if has_waived else None,
        "penalties.reduced": count(records, reduced),
        "penalties.reduced_amount": fen_sum(records, reduced, "waived") if has_waived else None,
        "penalties.police_referrals": (
            count(records, row_date & _flag(records, "referred")) if "referred" in records.columns else None),
        "penalties.detentions": (
            count(records, row_date & _flag(records, "detention")) if "detention" in records.columns else None),
        "penalties.legal_reviews": count(records, review) if has_review else None,
        "penalties.legal_review_amount": fen_sum(records, review, "fine") if has_review else None,
    }
    monthly = {
        "penalties.cases_filed": monthly_counts(records, "filed_on", pl.lit(True), period),
        "penalties.decisions": monthly_counts(records, "decided_on", outcome.is_in(["处罚", "减罚"]), period),
        "penalties.fines": monthly_counts(records, "decided_on", outcome.is_in(["处罚", "减罚"]), period, "fine"),
    }
    return SectionResult(figures(values), monthly=monthly)
