"""JSON: exactly the result's `to_dict()`, the stable shape of METRICS.md."""
from __future__ import annotations

import json

from ..model import Comparison, Summary


def to_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def summary_json(summary: Summary, lang: str = "zh") -> str:
    return to_json(summary.to_dict(lang))


def compare_json(comparison: Comparison, lang: str = "zh") -> str:
    return to_json(comparison.to_dict(lang))
