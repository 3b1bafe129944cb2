"""Neutralise characters in user text that have no business in a question.

* C0/C1 control characters (except tab and newline) are removed.
* Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) are removed:
  they can make stored or displayed text read differently from what it is ("Trojan Source").
  Plain direction marks (LRM, RLM, ALM) are kept: Arabic users type them legitimately.
* Carriage returns become newlines.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_user_text(text: str) -> str:
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u061c\u2060\ufeff]+")


def is_blank(text: str) -> bool:
    """Nothing but whitespace and invisible marks (zero-width spaces, direction marks, BOM)."""
    return not _INVISIBLE.sub("", text)
