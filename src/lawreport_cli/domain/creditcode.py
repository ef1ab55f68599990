"""统一社会信用代码 check digit, GB 32100-2015 clause 5 and appendix."""
from __future__ import annotations

# The code's 31 characters: digits and capitals without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (raises KeyError on a foreign character)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(char not in _VALUE for char in code):
        return False
    return check_char(code[:17]) == code[17]
