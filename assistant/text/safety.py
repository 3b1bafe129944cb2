"""The one sanitiser for text that people send us and that we store or show.

``clean_user_text`` is applied to questions (API and CLI), to every text column of the tables that
hold user or staff text (a SQLAlchemy validator in assistant/store/models.py, so no code path can
store raw text: feedback comments, chat-completions history, reviews, dataset rows…) and to every
value the staff templates print (api/staff/render.py), which also covers rows stored before it.

* Text that cannot be encoded as UTF-8 (a lone UTF-16 surrogate such as ``\\ud800``, which JSON
  allows) is refused with ``InvalidRequest`` (422), naming the field.
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
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def unencodable_message(text: str, field: str = "text") -> str | None:
    """Why ``text`` cannot be stored (a lone surrogate), or None when it can."""
    found = _SURROGATE.search(text)
    if found is None:
        return None
    return (
        f"The {field} contains a lone UTF-16 surrogate (U+{ord(found.group()):04X} at character "
        f"{found.start() + 1}), which is not valid Unicode text and cannot be encoded as UTF-8. "
        "Send the text as valid UTF-8."
    )


def check_encodable(text: str, field: str = "text") -> str:
    message = unencodable_message(text, field)
    if message:
        raise InvalidRequest(message)
    return text


def clean_user_text(text: str, field: str = "text") -> str:
    check_encodable(text, field)
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_for_display(text: str) -> str:
    """Like ``clean_user_text`` but never raises: unencodable characters become U+FFFD."""
    return _CONTROLS.sub("", _SURROGATE.sub("\ufffd", text))


# --- CSV cells that spreadsheets would run as formulas (OWASP "CSV injection") ------------------
# A cell starting with = + - @ tab or carriage return is a formula to Excel / LibreOffice / Sheets.
# Export prefixes such a cell — and a cell that already is apostrophes followed by one of them, so
# the mapping can be undone — with an apostrophe, which spreadsheets show as text and hide; import
# removes exactly that one apostrophe, so export → import round-trips.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
CSV_BOM = "\ufeff"  # so Excel reads the UTF-8 file as UTF-8 (Arabic shows as Arabic)


def spreadsheet_safe(cell: object) -> object:
    if isinstance(cell, str) and _FORMULA.match(cell):
        return "'" + cell
    return cell


def from_spreadsheet(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith("'") and _FORMULA.match(cell[1:]):
        return cell[1:]
    return cell


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u061c\u2060\ufeff]+")


def is_blank(text: str) -> bool:
    """Nothing but whitespace and invisible marks (zero-width spaces, direction marks, BOM)."""
    return not _INVISIBLE.sub("", text)


def checked_text(text: str, field: str, max_chars: int) -> str:
    """Strip control and bidi-override characters, then check emptiness and length."""
    if isinstance(text, str):
        text = clean_user_text(text, field)
    if not isinstance(text, str) or is_blank(text):
        raise InvalidRequest(f"The {field} is empty. Send a question as non-empty text.")
    if len(text) > max_chars:
        raise InvalidRequest(
            f"The {field} is {len(text)} characters long; the limit is {max_chars}. Shorten it and try again."
        )
    return text.strip()


def clean_history(history):
    """Caller-supplied history (OpenAI-style messages: (question, standalone, answer) tuples)
    through the same sanitiser as questions: it feeds the rewritten question, which is stored."""
    if history is None:
        return None
    return [tuple(clean_user_text(part, "earlier message") for part in turn) for turn in history]
