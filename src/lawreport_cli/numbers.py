"""Exact numbers: half-up rounding and money in integer fen.

The report rounds "四舍五入" (half away from zero), never banker's rounding,
and money is exact to the fen whatever the row count, so money travels as
integer fen and becomes a Decimal only for display.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 fen
FEN_PER_YI = 10_000_000_000  # 1 亿元

# Fen in one unit of each money header unit of DATA.md; a header without a unit is in 元.
FEN_PER_UNIT = {"元": FEN_PER_YUAN, "万元": FEN_PER_WAN, "亿元": FEN_PER_YI}


def half_up(value: Decimal | int | float | str, decimals: int = 0) -> Decimal:
    """Round half away from zero ("四舍五入") to `decimals` places.

    A float is read through its shortest repr, so 2.675 rounds to 2.68 as a
    person reading "2.675" expects, not to 2.67 as the binary value would.
    """
    if isinstance(value, float):
        value = repr(value)
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def half_up_int(value: Decimal | int | float | str) -> int:
    return int(half_up(value, 0))


def fen_to_wan(fen: int) -> Decimal:
    """Exact 万元 value of an amount in fen (6 decimals at most)."""
    return (Decimal(fen) / FEN_PER_WAN).quantize(Decimal("0.000001")).normalize() if fen else Decimal(0)


def wan_text(fen: int, decimals: int = 4) -> str:
    """万元 as the report prints it: 4 decimals, half-up (`1413.2207`)."""
    return f"{half_up(Decimal(fen) / FEN_PER_WAN, decimals):f}"


def wan_json(fen: int) -> str:
    """万元 as a decimal string for JSON: exact, at least 4 decimals, at most 6."""
    exact = Decimal(fen) / FEN_PER_WAN
    text = f"{exact.quantize(Decimal('0.000001')):f}"
    # Trim trailing zeros beyond the 4 decimals the report shows, so 609.7157 stays 609.7157.
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(4, "0")
    return f"{whole}.{frac}"
