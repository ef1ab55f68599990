"""What a section computes, in the one shape every section returns.

Below the model and the metrics modules (both import it; it imports neither),
so `model` and `metrics` never import each other.

Values by metric kind (see metrics/registry.py):
  count          int
  rank           int, 1 = best
  money          int fen (exact); shown in 万元
  number/percent Decimal, already rounded half-up to the metric's decimals
                 (indicators keep the precision of their data)
  text           str (a class, a status word), per-entity tables only
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .numbers import FEN_PER_WAN, wan_json, wan_text

if TYPE_CHECKING:  # annotations only: this module imports nothing of the package but numbers
    from .metrics.registry import MetricDef

Value = int | Decimal | str


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def through_month(self) -> int:
        return self.end.month

    def label(self, lang: str = "zh") -> str:
        return f"{self.start.isoformat()} — {self.end.isoformat()}"

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Figure:
    metric: MetricDef
    value: Value

    @property
    def id(self) -> str:
        return self.metric.id


def format_value(metric: MetricDef, value: Value | None) -> str:
    """A value as people read it: 万元 with 4 decimals, rates with 1, and so on."""
    if value is None:
        return ""
    if metric.kind == "money":
        return wan_text(int(value))
    if metric.kind in ("count", "rank"):
        return str(int(value))
    if metric.kind == "text":
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def json_value(metric: MetricDef, value: Value | None):
    """A value in the stable JSON shape: money a decimal string, counts ints, others numbers."""
    if value is None:
        return None
    if metric.kind == "money":
        return wan_json(int(value))
    if metric.kind in ("count", "rank"):
        return int(value)
    if metric.kind == "text":
        return str(value)
    decimal = Decimal(value)
    if decimal == decimal.to_integral_value():
        return int(decimal)
    return float(decimal)


def money_decimal(fen: int) -> Decimal:
    """Exact 万元 Decimal of a fen amount (for spreadsheets that want a number)."""
    return Decimal(fen) / FEN_PER_WAN


def figure_dict(figure: Figure, lang: str = "zh") -> dict:
    return {
        "value": json_value(figure.metric, figure.value),
        "unit": figure.metric.unit,
        "label": figure.metric.label_for(lang),
    }


@dataclass
class Entities:
    """Per-entity results of a section: one row of figures per city, per river section...

    Renderers lay every such table out the same way, so a section's own table needs
    no renderer code: `across` puts the entities in columns (a province's 16 cities
    beside each figure), else one row per entity (26 river sections, a few columns).
    """

    key: str  # the top-level JSON key: "by_city", "by_section"
    title: tuple[str, str]  # (zh, en) of the table: ("分城市", "by city")
    name: tuple[str, str]  # (zh, en) header of the entity column: ("城市", "City")
    rows: dict[str, dict[str, Figure]]  # entity -> metric id -> figure
    across: bool = True
    # The exact JSON of the section's contract where it is not {entity: {id: figure}}.
    json: dict | None = None
    order: tuple[str, ...] = ()  # column ids in the order to show them (others follow, first seen)

    def columns(self, section: str | None = None) -> list[MetricDef]:
        """The metrics some entity has (of one section), in `order`, else in first-seen order."""
        seen: dict[str, MetricDef] = {}
        for figures in self.rows.values():
            for figure in figures.values():
                if section is None or figure.metric.section == section:
                    seen.setdefault(figure.metric.id, figure.metric)
        rank = {metric_id: index for index, metric_id in enumerate(self.order)}
        return sorted(seen.values(), key=lambda metric: rank.get(metric.id, len(rank)))

    def to_dict(self, lang: str = "zh") -> dict:
        if self.json is not None:
            return self.json
        return {entity: {mid: figure_dict(figure, lang) for mid, figure in figures.items()}
                for entity, figures in self.rows.items()}


def city_entities(rows: dict[str, dict[str, Figure]]) -> Entities:
    """The per-city table (air's several cities; any section with a 城市 can use it)."""
    return Entities("by_city", ("分城市", "by city"), ("城市", "City"), rows)


@dataclass
class SectionResult:
    """Everything one section computes; `summarize` merges these without knowing the section."""

    figures: dict[str, Figure] = field(default_factory=dict)  # top-level ids, in registry order
    entities: list[Entities] = field(default_factory=list)  # by_city, by_section ...
    # Series for charts: series id -> one value per month of the period (index 0 = January).
    monthly: dict[str, list] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Further top-level JSON entries of the section (air's "standards"), merged as they are.
    extra: dict[str, object] = field(default_factory=dict)

    # Callers written before the one shape unpack a section as (figures, by_city, monthly)
    # and read `.standards` (the air tests do); both stay valid.
    def __iter__(self):
        by_city = next((table.rows for table in self.entities if table.key == "by_city"), {})
        return iter((self.figures, by_city, self.monthly))

    @property
    def standards(self) -> dict | None:
        return self.extra.get("standards")
