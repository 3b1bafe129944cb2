"""Follow-up questions in a conversation: rewrite them into standalone questions before retrieval.

A practitioner who asked «متى عُقدت القمة العالمية الخامسة؟» and then asks «ومن دعمها؟» means "who
supported the fifth global summit?". Retrieval sees one message at a time, so the follow-up has to be
rewritten first. ``QuestionRewriter`` is the interface; an LLM rewriter can implement it.
``KeyTermRewriter`` is the offline method, which needs no model:

1. **Is it a follow-up?** Count the message's *content terms*: its BM25 terms
   (``assistant.text.arabic.bm25_tokens``: stopwords removed, light stem) minus a few dialect function
   words the shared stoplist lacks (قديش, شكون, كام, ديال…) and minus pronoun-carrying particles
   (عندهم, ديالها, تبعه…). Then look for three cues:

   - *reference*: a word that points outside the message. These are a third-person pronoun suffix
     (ـها/ـهم/ـهما/ـهن on a word without the article, as in «دعمها», «قمتها»; any pronoun on a particle,
     as in «فيها», «عنه», «عندهم», «ديالها»), a demonstrative (ذلك, هذه, هناك, هيدا, دي, هاد…), or an
     English pronoun (it, they, them, he, she, his, her, their, these, those, and "there").
     Existential "is there"/«هل هناك» is not counted, nor is «بما في ذلك» ("including"). A resumptive
     pronoun is not counted either: the first suffixed word after a relative pronoun (التي/الذي/اللي…)
     refers back to the noun just before it («الاتجاهات التي ناقشها المؤتمر»).
   - *connector*: the message opens with و/ف fused to a function word or question word («ومن»,
     «وفين», «ومين», «وامتى», «فكم», «وهل»), with «طيب»/«بالنسبة», or with English "and", "so",
     "also", "what about", "how about".
   - *leading و*: the first word is و + a content word («وعمدة نانسانا؟»). This is weaker, because
     some words simply begin with و (وزارة, ورشة).

   The message is a follow-up when it has at most ``LIMIT`` content terms for the strongest cue it
   shows: 6 with a reference, 3 with a connector, 2 with a leading و, and 1 with no cue at all. A
   one-word message in a conversation («ستروميكا؟», "Funding?") is almost always elliptical. A longer
   message names its own subject, so it counts as standalone even when it starts with «و»
   («وهل تربط الشبكة جهود الوقاية بدين أو جنسية؟»). A short one with no cue («ما هو إعلان ميلبورن؟»,
   "Who is Sasha Havlicek?") also counts as standalone.

2. **Carry the previous topic.** Take the content terms of the previous turn's *standalone*
   question, so a chain of follow-ups keeps its topic. Drop the terms the new message already has,
   rank the rest by idf (``weights``, i.e. ``LexicalIndex.query_weights``) and keep the top
   ``max_terms`` (5). Append them to the message in their original surface form and order:
   «ومن دعمها؟» → «ومن دعمها؟ عُقدت القمة العالمية الخامسة». Questions rarely have more than five
   content terms, so usually the whole topic is carried. The cap matters in long chains, where the
   standalone questions grow (on the dev cases, 3 terms gave MRR@10 0.61 and 5 gave 0.73). The
   previous interrogative («متى», "where") is not carried, because it would pull retrieval back
   toward the previous answer. That is the difference from naive concatenation of the two turns.

A message that is not a follow-up, or that has no history, comes back unchanged. Known limits:
a pronoun whose antecedent is inside the same message («ما هي الشبكة وما أهدافها؟») is still read
as a reference, so a few terms get appended needlessly. A bare ـه suffix («في بلده») is not detected,
because in loose spelling it cannot be told apart from ة.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.text.arabic import ARABIC_STOPWORDS, bm25_tokens, normalize

__all__ = [
    "Turn",
    "QuestionRewriter",
    "KeyTermRewriter",
    "rewrite_followup",
    "is_followup",
    "MAX_CARRIED_TERMS",
]

Weights = Callable[[str], dict[str, float]]

MAX_CARRIED_TERMS = 5
# Most content terms a message may have and still count as a follow-up, by its strongest cue.
LIMIT_REFERENCE = 6
LIMIT_CONNECTOR = 3
LIMIT_LEADING_WAW = 2
LIMIT_NO_CUE = 1


@dataclass(frozen=True)
class Turn:
    """One exchange: what the user typed, the standalone question retrieval used, and the answer."""

    question: str
    standalone: str
    answer: str = ""


class QuestionRewriter(ABC):
    """Turns the latest message into a standalone question, given the earlier turns (oldest first)."""

    @abstractmethod
    def rewrite(self, question: str, history: Sequence[Turn]) -> str: ...


class KeyTermRewriter(QuestionRewriter):
    """The offline method of the module docstring: detect a follow-up, append the previous key terms."""

    def __init__(self, weights: Weights, *, max_terms: int = MAX_CARRIED_TERMS):
        self.weights = weights
        self.max_terms = max_terms

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        return rewrite_followup(question, list(history), self.weights, max_terms=self.max_terms)


# --- lexicon (normalised like the BM25 analyser: hamza and alef folded, ة→ه) ------------------------


def _norm(text: str) -> str:
    return normalize(text)


def _set(words: str) -> frozenset[str]:
    return frozenset(_norm(w) for w in words.split())


# Dialect question and filler words that the shared stoplist lacks; they carry no topic.
_DIALECT_FUNCTION = _set(
    "شكون قديش قداش شحال هلق هلأ هلا كام ديال ديالو ديالي تبع تبعو تبعه كمان برضو برضه "
    "يعني طيب طب ايش وشو شنهي شنية آش"
)
_ENGLISH_FUNCTION = frozenset("else more about".split())
# Particles that take a pronoun suffix («فيها», «عنه», «عندهم», «ديالها», «تبعو»).
_PARTICLES = _set("في من عن ل ب على إلى لدى عند مع حول دون بين ضد ديال تبع حق وسط")
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "ه")
_PARTICLE_REFS = frozenset(
    [p + s for p in _PARTICLES for s in _PRONOUN_SUFFIXES]
    + [_norm(w) for w in "ديالو تبعو تبعهن حقو".split()]
)
_WORD_SUFFIXES = ("هما", "هم", "هن", "ها")  # bare ـه is left out (ة is often typed as ه)
_ARTICLES = tuple(_norm(a) for a in ("ال", "وال", "بال", "فال", "كال", "لل"))
# Words that end like a pronoun suffix but are not one.
_NOT_SUFFIXED = _set("يساهم تساهم نساهم مساهم تفاهم")
_DEMONSTRATIVES = _set(
    "ذلك تلك هذه هذا هذان هاتان هؤلاء أولئك ذاك هناك هنالك هنا "
    "هاي هيدا هيدي هيدول هدول دي ده دا دول دوك هاد هادا هادي هادو هذي هاذا هاذي هذيك هديك داك ديك"
)
_EXISTENTIAL_BEFORE = _set("هل وهل فهل")  # «هل هناك رسوم؟» asks whether something exists
_RELATIVES = _set("الذي التي الذين اللذين اللتين اللاتي اللواتي اللي يلي")  # not الي: that is إلى
_ENGLISH_REFS = frozenset("it its they them their theirs he him his she her hers these those".split())
_ENGLISH_BE = frozenset("is are was were be been isn aren wasn weren".split())
_ENGLISH_CONNECTORS = frozenset("and so also but then".split())
_ENGLISH_CONNECTOR_PAIRS = frozenset({("what", "about"), ("how", "about")})
_ARABIC_CONNECTORS = _set("طيب طب بالنسبة وبالنسبة فبالنسبة وماذا")
# Words that begin with و/ف + a stopword but are question words in their own right.
_NOT_CONNECTORS = _set("واش وش وين فين فاش وشلون")
_FUNCTION_WORDS = ARABIC_STOPWORDS | _DIALECT_FUNCTION


def _words(text: str) -> list[str]:
    """Whitespace words with surrounding punctuation and symbols stripped (diacritics kept)."""
    out = []
    for raw in text.split():
        start, end = 0, len(raw)
        while start < end and unicodedata.category(raw[start])[0] in "PS":
            start += 1
        while end > start and unicodedata.category(raw[end - 1])[0] in "PS":
            end -= 1
        if start < end:
            out.append(raw[start:end])
    return out


def _has_article(word: str) -> bool:
    return word.startswith(_ARTICLES)


def _is_suffixed(word: str) -> bool:
    """«دعمها», «قمتها», «ديالها», «عندهم»: a word ending in a third-person pronoun suffix."""
    if word in _PARTICLE_REFS:
        return True
    if word in _NOT_SUFFIXED or _has_article(word) or word[0] < "\u0600":
        return False
    return any(word.endswith(s) and len(word) - len(s) >= 3 for s in _WORD_SUFFIXES)


def _is_demonstrative(words: list[str], i: int) -> bool:
    word = words[i]
    bare = word[1:] if word[:1] in ("و", "ب") and word[1:] in _DEMONSTRATIVES else word
    if bare not in _DEMONSTRATIVES:
        return False
    prev = words[i - 1] if i > 0 else ""
    if bare in ("هناك", "هنالك") and (i == 0 or prev in _EXISTENTIAL_BEFORE):
        return False  # existential: «هناك رسوم؟», «هل هناك…؟»
    if bare == "ذلك" and i >= 2 and prev == "في" and words[i - 2] in ("بما", "وبما"):
        return False  # «بما في ذلك» = "including"
    return True


def _english_reference(words: list[str], i: int) -> bool:
    word = words[i]
    if word in _ENGLISH_REFS:
        return True
    prev = words[i - 1] if i > 0 else ""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if word == "there":
        return prev not in _ENGLISH_BE and nxt not in _ENGLISH_BE  # not "is there" / "there are"
    if word in ("that", "this"):
        return i == len(words) - 1  # "what about that?"
    return False


@dataclass(frozen=True)
class _Analysis:
    content_terms: list[str]
    reference: bool
    connector: bool
    leading_waw: bool


def _analyse(question: str) -> _Analysis:
    words = [w for w in map(_norm, _words(question)) if w]
    terms: list[str] = []
    reference = False
    resumptive_window = 0  # words after a relative pronoun in which a suffix is resumptive
    for i, word in enumerate(words):
        in_relative, resumptive_window = resumptive_window > 0, max(0, resumptive_window - 1)
        if word in _RELATIVES:
            resumptive_window = 3
            continue
        if word[0] >= "\u0600":
            if _is_suffixed(word):
                if in_relative:
                    resumptive_window = 0  # the relative clause's own pronoun, not a reference
                else:
                    reference = True
                if word in _PARTICLE_REFS:
                    continue
            elif _is_demonstrative(words, i):
                reference = True
                continue
        elif _english_reference(words, i):
            reference = True
        if word in _FUNCTION_WORDS or word in _ENGLISH_FUNCTION:
            continue
        if word[:1] in ("و", "ف") and word[1:] in _FUNCTION_WORDS:
            continue
        terms.extend(bm25_tokens(word))
    first = words[0] if words else ""
    connector = (
        first in ("و", "ف")
        or first in _ARABIC_CONNECTORS
        or (
            first[:1] in ("و", "ف")
            and first not in _NOT_CONNECTORS
            and (first[1:] in _FUNCTION_WORDS or first[1:] in ARABIC_STOPWORDS)
        )
        or first in _ENGLISH_CONNECTORS
        or tuple(words[:2]) in _ENGLISH_CONNECTOR_PAIRS
    )
    leading_waw = not connector and first[:1] == "و" and len(first) >= 4 and first not in _NOT_CONNECTORS
    return _Analysis(terms, reference, connector, leading_waw)


def is_followup(question: str) -> bool:
    """Whether the message leans on an earlier turn (see the module docstring for the rule)."""
    analysis = _analyse(question)
    n = len(analysis.content_terms)
    limit = LIMIT_NO_CUE
    if analysis.reference:
        limit = max(limit, LIMIT_REFERENCE)
    if analysis.connector:
        limit = max(limit, LIMIT_CONNECTOR)
    if analysis.leading_waw:
        limit = max(limit, LIMIT_LEADING_WAW)
    return n <= limit


def key_terms(question: str, weights: Weights, *, exclude: set[str], max_terms: int) -> list[str]:
    """The ``max_terms`` highest-idf content terms of ``question`` not in ``exclude``, as surface
    words in their original order."""
    idf = weights(question)
    candidates: list[tuple[int, str, float]] = []  # (position, surface word, weight)
    seen: set[str] = set(exclude)
    for position, surface in enumerate(_words(question)):
        word = _norm(surface)
        if word in _FUNCTION_WORDS or word in _PARTICLE_REFS or word in _ENGLISH_FUNCTION:
            continue
        terms = [t for t in bm25_tokens(surface) if t not in seen]
        if not terms:
            continue
        seen.update(terms)
        candidates.append((position, surface, max(idf.get(t, 0.0) for t in terms)))
    best = sorted(candidates, key=lambda c: (-c[2], c[0]))[:max_terms]
    return [surface for _, surface, _ in sorted(best)]


def rewrite_followup(
    question: str,
    history: list[Turn],
    weights: Weights,
    *,
    max_terms: int = MAX_CARRIED_TERMS,
) -> str:
    """``question`` made standalone: unchanged unless it is a follow-up (and there is a previous
    turn), in which case the previous standalone question's key terms are appended."""
    question = question.strip()
    if not history or not question or not is_followup(question):
        return question
    previous = history[-1].standalone or history[-1].question
    carried = key_terms(previous, weights, exclude=set(bm25_tokens(question)), max_terms=max_terms)
    if not carried:
        return question
    return f"{question} {' '.join(carried)}"
