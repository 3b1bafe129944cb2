"""Neutralise characters in user text that have no business in a question.

* C0/C1 control characters (except tab and newline) are removed.
* Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) are removed:
  they can make stored or displayed text read differently from what it is ("Trojan Source").
  Plain direction marks (LRM, RLM, ALM) are kept: Arabic users type them legitimately.
* Carriage returns become newlines.

``checked_text`` applies this to a question or query and checks it is not empty and not too long.
"""

from __future__ import annotations

import re

from assistant.errors import InvalidRequest

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_user_text(text: str) -> str:
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u061c\u2060\ufeff]+")


def is_blank(text: str) -> bool:
    """Nothing but whitespace and invisible marks (zero-width spaces, direction marks, BOM)."""
    return not _INVISIBLE.sub("", text)


def checked_text(text: str, field: str, max_chars: int) -> str:
    """Strip control and bidi-override characters, then check emptiness and length."""
    if isinstance(text, str):
        text = clean_user_text(text)
    if not isinstance(text, str) or is_blank(text):
        raise InvalidRequest(f"The {field} is empty. Send a question as non-empty text.")
    if len(text) > max_chars:
        raise InvalidRequest(
            f"The {field} is {len(text)} characters long; the limit is {max_chars}. Shorten it and try again."
        )
    return text.strip()
