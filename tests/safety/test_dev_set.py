"""Every example of the hand-written dev set is decided as labelled (category and reply language).

``dev_set.jsonl``: one JSON object a line with ``text``, ``category`` ("harmful", "injection" or null),
``language`` ("ar"/"en"), ``variety`` (msa, levantine, egyptian, gulf, iraqi, maghrebi, english, arabizi,
mixed) and ``batch`` (2 = written after the patterns and measured before any tuning; see docs/safety.md).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.safety import assess

DEV_SET = Path(__file__).with_name("dev_set.jsonl")
ROWS = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
DECLINE = [r for r in ROWS if r["category"]]
BENIGN = [r for r in ROWS if not r["category"]]
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def test_dev_set_is_big_and_varied_enough():
    assert len(DECLINE) >= 40 and len(BENIGN) >= 40
    varieties = {"msa", "levantine", "egyptian", "gulf", "iraqi", "maghrebi", "english"}
    assert varieties <= {r["variety"] for r in DECLINE}
    assert varieties <= {r["variety"] for r in BENIGN}
    assert Counter(r["category"] for r in DECLINE).keys() == {"harmful", "injection"}


@pytest.mark.parametrize("row", DECLINE, ids=[r["text"][:40] for r in DECLINE])
def test_declined_with_right_category_and_language(row):
    verdict = assess(row["text"])
    assert (verdict.category, verdict.language) == (row["category"], row["language"]), verdict.rule
    assert verdict.reply
    assert bool(_ARABIC.search(verdict.reply)) == (row["language"] == "ar")


@pytest.mark.parametrize("row", BENIGN, ids=[r["text"][:40] for r in BENIGN])
def test_prevention_question_not_declined(row):
    verdict = assess(row["text"])
    assert verdict.category is None, verdict.rule
    assert verdict.reply is None
    assert verdict.language == row["language"]
