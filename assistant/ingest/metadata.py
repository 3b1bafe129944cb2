"""A document's metadata (kind, date, place, language) when nobody wrote it down.

Stated metadata always wins (docs/corpus.md, "Metadata"): a sidecar ``<file>.meta.yaml`` or
``<file>.meta.json``, then an entry for the file in the folder's ``metadata.json``, then YAML front
matter or what the file itself states (HTML/PDF/DOCX properties). Whatever is still missing is
guessed here, with deliberately simple rules that staff can check on the documents page:

- **language**: ``ar`` when at least 30% of the letters of the first 5,000 characters are Arabic,
  else ``en``.
- **kind**: keywords of the title (Arabic letters folded, so «إعلان» and «اعلان» match):
  about «عن الشبكة / عن شبكة / من نحن / about us / about the network», declaration «إعلان / بيان /
  declaration / statement / communiqué», brief «ورقة / موجز / موجز سياسات / policy brief / paper»,
  event report «قمة / ورشة / مؤتمر / فعالية / منتدى / summit / workshop / conference / forum / event»;
  the first group that matches, in that order; otherwise ``other``.
- **date**: the first date with day, month and year in the first 1,500 characters of the text
  (after the title): ``2024-12-03``, «3 ديسمبر 2024», «3 كانون الأول 2024», «في الفترة من 3 إلى 5
  ديسمبر 2024» (the first day), "3 December 2024", "December 3, 2024". A month and year alone
  («أيلول/سبتمبر 2015») is not a date: too vague to filter on.
- **place**: the city named after «مدينة» («في مدينة بيرمنغهام») in the title, else in the first
  1,500 characters of the text.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.text.arabic import normalize

HEAD_CHARS = 1500  # how much of the text the date and place rules read
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")

# Checked in this order; patterns run on ``normalize(title)`` (alef/hamza folded, ة→ه, casefolded).
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("about", ("عن الشبكه", "عن شبكه", "من نحن", "about us", "about the network", "about scn")),
    ("declaration", ("اعلان", "بيان", "declaration", "statement", "communique")),
    ("brief", ("ورقه", "موجز", "policy brief", "brief", "paper")),
    ("event_report", ("قمه", "ورشه", "مؤتمر", "فعاليه", "منتدي", "summit", "workshop", "conference",
                      "forum", "event")),
)

# month names after ``normalize`` (alef folded): Egyptian/Gulf, Levantine, English
_MONTH_NAMES = (
    ("يناير", "كانون الثاني", "january", "jan"),
    ("فبراير", "شباط", "february", "feb"),
    ("مارس", "اذار", "march", "mar"),
    ("ابريل", "نيسان", "april", "apr"),
    ("مايو", "ايار", "may"),
    ("يونيو", "حزيران", "june", "jun"),
    ("يوليو", "تموز", "july", "jul"),
    ("اغسطس", "اب", "august", "aug"),
    ("سبتمبر", "ايلول", "september", "sept", "sep"),
    ("اكتوبر", "تشرين الاول", "october", "oct"),
    ("نوفمبر", "تشرين الثاني", "november", "nov"),
    ("ديسمبر", "كانون الاول", "december", "dec"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# «أيلول/سبتمبر» names a month twice: keep the second name
_MONTH = rf"(?:(?:{_MONTH_RE})\s*/\s*)?({_MONTH_RE})"
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\s*(?:-|–|الي|و|to|and)\s*\d{{1,2}})?\s+{_MONTH}[\s,،]+(\d{{4}})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_CITY = re.compile(r"(?:^|\s|[وف])(?:في\s+|ب)مدين[ةه]\s+([^\W\d_](?:[^\W\d_]|[\u064B-\u0652\u0670])*)")


def guess_language(text: str) -> str:
    letters = _LETTER.findall(text[:5000])
    if not letters:
        return "ar"
    arabic = sum(1 for ch in letters if _ARABIC.match(ch))
    return "ar" if arabic / len(letters) >= 0.3 else "en"


def guess_kind(title: str) -> str:
    folded = " " + " ".join(re.findall(r"\w+", normalize(title))) + " "
    for kind, words in _KIND_WORDS:
        for word in words:
            # a whole word, optionally with the article or a one-letter prefix («والمؤتمر», «بالقمة»)
            if re.search(rf"(?<!\w)(?:[وفبلك]?ال|[وفبلك])?{re.escape(normalize(word))}(?!\w)", folded):
                return kind
    return "other"


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def guess_date(text: str) -> str | None:
    """The first full date (day, month, year) in the first part of ``text``, as YYYY-MM-DD."""
    head = normalize(text[:HEAD_CHARS], fold_teh_marbuta=False)
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(head):
        if (value := _date(int(m[1]), int(m[2]), int(m[3]))) is not None:
            found.append((m.start(), value))
            break
    for m in _DAY_MONTH_YEAR.finditer(head):
        if (value := _date(int(m[3]), _MONTHS[m[2]], int(m[1]))) is not None:
            found.append((m.start(), value))
            break
    for m in _MONTH_DAY_YEAR.finditer(head):
        if (value := _date(int(m[3]), _MONTHS[m[1]], int(m[2]))) is not None:
            found.append((m.start(), value))
            break
    return min(found)[1] if found else None


def guess_place(title: str, text: str) -> str | None:
    """The city named after «مدينة» in the title, else in the first part of the text."""
    for source in (title, text[:HEAD_CHARS]):
        m = _CITY.search(source)
        if m:
            return m[1]
    return None
