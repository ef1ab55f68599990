"""The standards behind a section's figures, as documents print them ("HJ 633—2012").

Summary.standards (added with HJ 633—2026) names the air standards a run
applied, in the shape of METRICS.md's JSON `"standards"`; where a summary
names none, each section's own standards below are the answer. Read
defensively: any shape of ids (dicts, lists, objects with `id`, text) gives
the ids in order, once each.
"""
from __future__ import annotations

import re

from ..model import Summary

# The standards a section's figures follow, where the summary does not name them itself.
SECTION_STANDARDS: dict[str, tuple[str, ...]] = {
    "air": ("HJ 633—2012", "HJ 663—2013"),
    "water": ("GB 3838—2002",),
}


def _standard_text(identifier: str) -> str:
    """"HJ 633-2012" as a standard is printed: HJ 633—2012."""
    return re.sub(r"^(\S+ [\d.]+)-(\d{4})$", "\\1—\\2", identifier.strip())


def _standard_ids(standards) -> list[str]:
    """Standard ids from Summary.standards in whatever shape it has: a dict as METRICS.md's JSON
    `"standards"` ({"aqi": [{"id": …}], "annual": "HJ 663-2013"}), a list, objects with `id`, or text."""
    found: list[str] = []

    def walk(item) -> None:
        if item is None:
            return
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            if "id" in item:
                walk(item["id"])
            else:
                for value in item.values():
                    walk(value)
        elif isinstance(item, (list, tuple, set, frozenset)):
            for value in item:
                walk(value)
        elif getattr(item, "id", None) is not None:
            walk(item.id)
        elif hasattr(item, "to_dict"):
            walk(item.to_dict())
        else:
            found.append(str(item))

    walk(standards)
    return list(dict.fromkeys(_standard_text(identifier) for identifier in found if identifier.strip()))


def standards_for(summary: Summary, section: str | None = None) -> list[str]:
    """The standards behind one section's figures (or behind every section's, when section is None)."""
    sections = [section] if section else summary.sections()
    named = _standard_ids(getattr(summary, "standards", None))
    if named and (section is None or section == "air"):
        others = [std for name in sections if name != "air" for std in SECTION_STANDARDS.get(name, ())]
        return list(dict.fromkeys(named + others))
    return list(dict.fromkeys(std for name in sections for std in SECTION_STANDARDS.get(name, ())))


STANDARD_WORD = ("依据", "Standards:")
