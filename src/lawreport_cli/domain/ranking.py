"""Competition ranking ("1, 2, 2, 4"), as a province ranks its cities."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal


def rank_competition(values: dict[str, Decimal], higher_is_better: bool) -> dict[str, int]:
    """Competition ranking ("1, 2, 2, 4"): 1 + the number of strictly better values.

    Keys keep the order of `values`; a None value gets no rank.
    """
    present = {key: value for key, value in values.items() if value is not None}
    ordered = sorted(present.values())
    ranks: dict[str, int] = {}
    for key, value in present.items():
        if higher_is_better:
            better = len(ordered) - bisect_right(ordered, value)
        else:
            better = bisect_left(ordered, value)
        ranks[key] = 1 + better
    return ranks
