"""Text from cells made harmless where it leaves the program.

Cell text (enterprise, city, indicator and sheet names, values) is the
ledger's, not ours: an ESC sequence in it would drive the operator's
terminal (clear the screen, retitle the window, fake a line), a bidi
override would reorder what is shown, and `<script>` or `javascript:` in a
Markdown report would be live in a viewer that renders HTML.

- `for_terminal(text)`: every C0 control but newline and tab, DEL, every C1
  control and the bidi controls are shown as `<U+001B>`; the text stays
  readable and nothing in it acts on the terminal.
- `for_markdown(text)`: the same, plus HTML escaped (`&`, `<`, `>`), the
  link and image brackets escaped (`\\[x\\](y)` is plain text), and a
  `javascript:`/`vbscript:`/`data:` scheme broken (`javascript&#58;`), so
  no cell can become markup, a link or a script.
"""
from __future__ import annotations

import re

# C0 controls except \t and \n, DEL, C1 controls, and the Unicode bidi controls
# (LRM/RLM/ALM, embeddings and overrides, isolates).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _visible(match: re.Match) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def for_terminal(text: str) -> str:
    """Text with every control character shown as <U+001B> (its code point) instead of acting."""
    return _CONTROL.sub(_visible, text)


def for_markdown(text: str) -> str:
    """Plain text for a Markdown document: no HTML, link, image or script can come out of it."""
    text = _CONTROL.sub(lambda match: f"U+{ord(match.group(0)):04X}", text)
    text = "".join(_HTML.get(char, char) for char in text)
    text = text.replace("[", "\\[").replace("]", "\\]")
    return _SCHEME.sub(lambda match: f"{match.group(1)}&#58;", text)
