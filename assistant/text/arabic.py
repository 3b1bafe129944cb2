"""Arabic text normalisation and BM25 tokens.

``normalize`` is applied to documents and queries alike (Lucene's ArabicNormalizer rules plus a few
extras). ``bm25_tokens`` is the lexical analyser: normalise → word tokens → stopwords → light stem.

Decisions:

- Hamza carriers: أ إ آ ٱ fold to ا (users drop the hamza on alef constantly). ؤ and ئ fold to the bare
  hamza ء, which unifies the two standard spellings مسؤول / مسئول; a user who drops the hamza entirely
  (مسول) still misses, which is the lesser problem in formal documents.
- ة → ه is on by default (ـة/ـه are typed interchangeably in queries); pass ``fold_teh_marbuta=False``
  when the distinction matters (e.g. text meant to be shown).
- Stemming is Larkey's Light10 (و prefix, definite articles, a fixed suffix list), so «والمدن»,
  «المدن» and «مدن» share the stem «مدن», and «البلديات» and «بلدية» share «بلد». Broken plurals
  (مدينة / مدن) are not conflated: light stemmers cannot do that.
- English gets plural folding only (cities → city, reports → report): the corpus is Arabic, and
  Latin tokens are mostly names and acronyms that a real stemmer would mangle.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.text.sentences import split_sentences

__all__ = [
    "normalize",
    "bm25_tokens",
    "light_stem",
    "split_sentences",
    "ARABIC_STOPWORDS",
    "ENGLISH_STOPWORDS",
]

# Harakat, shadda, sukun and other combining marks; superscript alef; Quranic annotation marks.
_TASHKEEL = [
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x0610, 0x061B),
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
]
# Soft hyphen, Arabic letter mark, zero-width (non-)joiners, LRM/RLM, bidi embeddings/isolates, BOM.
_INVISIBLE = [
    0x00AD,
    0x061C,
    0x180E,
    *range(0x200C, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2070),
    0xFEFF,
]

_TABLE: dict[int, str | None] = {cp: None for cp in (*_TASHKEEL, *_INVISIBLE, 0x0640)}  # 0x0640 = tatweel
_TABLE.update({0x200B: " "})  # zero-width space separates words
_TABLE.update({ord(c): "ا" for c in "أإآٱٲٳ"})
_TABLE.update({ord("ى"): "ي", ord("ی"): "ي", ord("ک"): "ك", ord("ؤ"): "ء", ord("ئ"): "ء"})
_TABLE.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
_TABLE.update({0x06F0 + i: str(i) for i in range(10)})  # Persian (extended Arabic-Indic) digits
_TABLE.update({0x066B: ".", 0x066C: ","})  # Arabic decimal and thousands separators
_TABLE_TEH = {**_TABLE, ord("ة"): "ه"}


def normalize(text: str, *, fold_teh_marbuta: bool = True) -> str:
    """NFKC, strip tashkeel/tatweel/invisible marks, fold alef and hamza forms, ى→ي, digits→ASCII,
    casefold; ة→ه when ``fold_teh_marbuta``. Not length-preserving: never use it on text that offsets
    point into."""
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_TABLE_TEH if fold_teh_marbuta else _TABLE).casefold()


# Word tokens after normalisation: ASCII digits, Latin letters, Arabic letters, other scripts' letters.
_TOKEN_RE = re.compile(r"[0-9]+|[a-z\u00df-\u024f]+|[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+|[^\W\d_]+")

_ARABIC_STOP_RAW = """
في من إلى الى على عن مع عند لدى بين حتى منذ خلال حول ضد نحو دون غير سوى عبر لدي
و ف ب ل ك أو ام أم ثم بل لكن لكنه لكنها إن أن إنه أنه إنها أنها كأن لأن لان إذ إذا اذا إذن لو لولا كي
لا لم لن ما ماذا لماذا متى أين كيف كم هل أي أية قد لقد سوف ليس ليست
هو هي هم هن هما أنا نحن أنت أنتم أنتن انت انتي انا احنا إحنا نحنا
هذا هذه هذان هاتان هؤلاء ذلك تلك ذاك أولئك هنا هناك هنالك
الذي التي الذين اللذين اللتين اللاتي اللواتي
كان كانت كانوا يكون تكون يكن كل بعض كلا كلها جميع أيضا أيضاً كما مثل فقط عليه عليها عليهم فيه فيها
له لها لهم به بها بهم منه منها منهم إليه إليها عنه عنها ذلك وهو وهي وقد وفي ومن والتي والذي
ايه إيه ايش إيش شو وش فين وين امتى إمتى ليش ليه اللي مين منو شنو شنهو شلون وشلون ازاي إزاي كيفاش واش علاش
فاش اش ده دي دا دول دوك هاد هادا هادي هدا هذي هاذا هاذي هيك هيدا هيدي كده كدا كدة عشان علشان مش مو مب
بس يعني طيب بدي بدك عايز عايزة عاوز عاوزة ابغى أبغى ابي أبي اريد أريد نريد سمحت فضلك
"""
_ENGLISH_STOP_RAW = """
a an the of in on at to for from by with without about into over under between and or nor but if then
than so as is are was were be been being am do does did done has have had having it its this that these
those there here what which who whom whose when where why how not no can could will would shall should
may might must i me my we our you your he him his she her they them their also any all some such just
please tell know want
"""

ARABIC_STOPWORDS: frozenset[str] = frozenset(normalize(w) for w in _ARABIC_STOP_RAW.split())
ENGLISH_STOPWORDS: frozenset[str] = frozenset(_ENGLISH_STOP_RAW.split())
_STOP = ARABIC_STOPWORDS | ENGLISH_STOPWORDS

# Light10 affixes, in normalised form (ة→ه folded, so «ية» and «يه» coincide).
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def light_stem(word: str) -> str:
    """Larkey's Light10 on a normalised Arabic word; English words get plural folding."""
    if word[0] < "\u0600":
        if len(word) > 4 and word.endswith("ies"):
            return word[:-3] + "y"
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        return word
    if word[0] == "و" and len(word) >= 4:  # remainder of 3 or more
        word = word[1:]
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:  # one pass, in order; each may strip once
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=262_144)
def _index_term(token: str) -> str | None:
    if token.isdigit():
        return token
    if len(token) < 2 or token in _STOP or (token[0] == "و" and token[1:] in _STOP):
        return None
    return light_stem(token)


def bm25_tokens(text: str) -> list[str]:
    """Normalised, stopword-free, light-stemmed terms of ``text`` (same analyser for queries and docs)."""
    out = []
    for token in _TOKEN_RE.findall(normalize(text)):
        term = _index_term(token)
        if term:
            out.append(term)
    return out
