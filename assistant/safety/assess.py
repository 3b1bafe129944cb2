"""``assess``: decide whether to decline a question before retrieval, and with which reply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.safety.normalise import guess_language, normalise
from assistant.safety.patterns import HARMFUL, INJECTION, MARKERS, RULES, Rule
from assistant.safety.replies import decline_reply

Category = Literal["harmful", "injection"]
Language = Literal["ar", "en"]


@dataclass(frozen=True)
class Verdict:
    """``category`` is None when the question may be answered; then ``reply`` is None too.

    ``rule`` names the pattern that decided (for logs and tests), e.g. ``"make_weapon.ar"``."""

    category: Category | None
    language: Language
    reply: str | None
    rule: str | None = None

    @property
    def declined(self) -> bool:
        return self.category is not None


_ARABIC = re.compile(r"[\u0621-\u064a]")
_LATIN = re.compile(r"[a-z]")


def _first_match(text: str, category: str, scripts: frozenset[str]) -> Rule | None:
    for rule in RULES:
        if rule.category == category and rule.script in scripts and rule.pattern.search(text):
            return rule
    return None


def assess(question: str) -> Verdict:
    """Decline requests for help with violence, hate or extremist activity (``"harmful"``) and attempts
    to make the assistant drop its instructions (``"injection"``); let everything else through.

    When a question is both, ``"harmful"`` wins: its reply may carry the emergency-services pointer."""
    text = normalise(question)
    language: Language = "en" if guess_language(text) == "en" else "ar"
    scripts = frozenset(
        {"any"} | ({"ar"} if _ARABIC.search(text) else set()) | ({"en"} if _LATIN.search(text) else set())
    )
    rule = _first_match(text, HARMFUL, scripts) or _first_match(text, INJECTION, scripts)
    if rule is None and MARKERS.search(question.casefold()):
        rule = Rule("markers", INJECTION, MARKERS)
    if rule is None:
        return Verdict(None, language, None)
    category: Category = "harmful" if rule.category == HARMFUL else "injection"
    return Verdict(category, language, decline_reply(category, language, emergency=rule.emergency), rule.name)
