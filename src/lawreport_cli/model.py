"""The result objects every renderer reads: one Summary, one Comparison.

Values by metric kind: see results.py (Figure, Entities, SectionResult).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .findings import Finding
from .metrics.registry import SECTIONS, MetricDef, metric_for
# The values sections produce live in results.py (below the metrics); re-exported here.
from .results import (  # noqa: F401
    Entities, Figure, Period, SectionResult, Value, city_entities, figure_dict, format_value, json_value,
    money_decimal,
)


@dataclass
class Summary:
    source: str
    period: Period
    year: int
    figures: dict[str, Figure]  # top-level ids, in registry order
    by_city: dict[str, dict[str, Figure]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    rows_left_out: int = 0  # data rows with an error, left out of every figure
    notes: list[str] = field(default_factory=list)
    # Monthly series for charts: series id -> one value per month of the period
    # (index 0 = January). Ids: "air.days_by_level.<优|良|轻度污染|...>" (days),
    # "penalties.fines" (fen), "penalties.cases_filed" and "penalties.decisions" (counts).
    monthly: dict[str, list[Value]] = field(default_factory=dict)
    # Per-entity tables by JSON key ("by_city", "by_section"); by_city above is the
    # "by_city" table's rows (given either way, they are kept the same).
    entities: dict[str, Entities] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # further top-level JSON entries
    # The standards the air figures were computed with, as JSON names them ({"aqi": [{"id",
    # "from", "to"}], "annual": "HJ 663-2013"}); None without an air section.
    standards: dict | None = None
    # Like-for-like (同口径): which days were recomputed with another year's standard, or "";
    # and those days as spans ({"id", "from", "to"}).
    standards_note: str = ""
    recomputed: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if "by_city" in self.entities:
            self.by_city = self.entities["by_city"].rows
        elif self.by_city:
            self.entities = {"by_city": city_entities(self.by_city), **self.entities}

    def sections(self) -> list[str]:
        present = {figure.metric.section for figure in self.figures.values()}
        for table in self.entities.values():
            present |= {metric.section for metric in table.columns()}
        return [section for section in SECTIONS if section in present]

    def value(self, metric_id: str, city: str | None = None):
        figures = self.by_city.get(city, {}) if city else self.figures
        figure = figures.get(metric_id)
        return figure.value if figure else None

    def to_dict(self, lang: str = "zh") -> dict:
        doc = {
            "source": self.source,
            "period": self.period.to_dict(),
        }
        if self.standards is not None:
            doc["standards"] = self.standards
        doc["metrics"] = {mid: figure_dict(figure, lang) for mid, figure in self.figures.items()}
        for key, table in self.entities.items():
            if table.rows:
                doc[key] = table.to_dict(lang)
        doc.update(self.extra)
        doc["findings"] = [finding.to_dict(lang) for finding in self.findings]
        return doc


@dataclass(frozen=True)
class Change:
    metric: MetricDef
    previous: Value | None
    current: Value | None
    change: Value | None  # current - previous (百分点 for percent figures)
    change_pct: Decimal | None  # 1 decimal; None where previous is 0 or the figure is a %
    trend: str  # improved, worsened, up, down, unchanged, new; "" when one side is missing

    @property
    def one_sided(self) -> bool:
        return self.previous is None or self.current is None

    def to_dict(self, lang: str = "zh") -> dict:
        metric = self.metric
        return {
            "label": metric.label_for(lang),
            "unit": metric.unit,
            "previous": json_value(metric, self.previous),
            "current": json_value(metric, self.current),
            "change": json_value(metric, self.change),
            "change_pct": float(self.change_pct) if self.change_pct is not None else None,
            "trend": self.trend,
        }


@dataclass
class Comparison:
    previous: Summary
    current: Summary
    period_note: str  # "" or why the span was cut (同期)
    changes: dict[str, Change]  # ids present in both years, plus one-sided ones (trend "")
    by_city: dict[str, dict[str, Change]] = field(default_factory=dict)
    # Several cities: city -> {"air.rank_<id>_improvement": rank} (1 = largest relative fall).
    ranks: dict[str, dict[str, int]] = field(default_factory=dict)

    def span_line(self, lang: str = "zh") -> str:
        """The span the comparison is made over, stated in every output that holds it."""
        before, after = self.previous.period, self.current.period
        months = f"1-{after.end.month}" if after.end.month > 1 else "1"
        if lang == "en":
            return (f"Compared over the same span: {after.label()} against {before.label()} "
                    f"(months {months} of each year)")
        return f"同期比较区间：{after.label()} 对比 {before.label()}（各年{months}月）"

    @property
    def standards(self) -> dict | None:
        """Both years' standards, oldest day first, in the shape of Summary.standards."""
        years = [summary.standards for summary in (self.previous, self.current) if summary.standards]
        if not years:
            return None
        return {"aqi": [span for standards in years for span in standards["aqi"]], "annual": years[-1]["annual"]}

    @property
    def standards_note(self) -> str:
        return self.previous.standards_note

    @property
    def only_previous(self) -> list[str]:
        return [mid for mid, change in self.changes.items() if change.current is None]

    @property
    def only_current(self) -> list[str]:
        return [mid for mid, change in self.changes.items() if change.previous is None]

    def to_dict(self, lang: str = "zh") -> dict:
        both = {mid: c.to_dict(lang) for mid, c in self.changes.items() if not c.one_sided}
        doc = {
            "previous": {"source": self.previous.source, "period": self.previous.period.to_dict()},
            "current": {"source": self.current.source, "period": self.current.period.to_dict()},
        }
        for key, summary in (("previous", self.previous), ("current", self.current)):
            if summary.standards is not None:
                doc[key]["standards"] = summary.standards
        if self.standards is not None:
            doc["standards"] = self.standards
        if self.standards_note:
            doc["standards_note"] = self.standards_note
        doc.update({
            "metrics": both,
            "only_previous": self.only_previous,
            "only_current": self.only_current,
        })
        notes = [note for note in (self.period_note, self.standards_note) if note]
        if notes:
            doc["note"] = "；".join(notes)
        if self.by_city:
            doc["by_city"] = {}
            for city, changes in self.by_city.items():
                entry = {mid: c.to_dict(lang) for mid, c in changes.items() if not c.one_sided}
                for rank_id, rank in self.ranks.get(city, {}).items():
                    metric = metric_for(rank_id)
                    entry[rank_id] = {"value": rank, "unit": metric.unit, "label": metric.label_for(lang)}
                doc["by_city"][city] = entry
        return doc
