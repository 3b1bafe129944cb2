"""The coarse language and dialect of a question (assistant/text/language_mix.py)."""

from __future__ import annotations

import pytest

from assistant.text.language_mix import LANGUAGES, classify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أين عُقدت القمة العالمية الخامسة لشبكة المدن القوية؟", "ar_msa"),
        ("ما هي آية الكرسي؟", "ar_msa"),  # آية normalises to ايه, which is not a dialect marker
        ("ما الذي تقوله الوثيقة عن الشباب؟", "ar_msa"),
        ("وين انعقدت القمة؟ بدي اعرف", "ar_dialect"),  # Levantine
        ("ازاي أنضم للشبكة؟", "ar_dialect"),  # Egyptian
        ("شلون تشتغل الشبكة؟", "ar_dialect"),  # Iraqi / Gulf
        ("كيفاش نقدر نشارك؟", "ar_dialect"),  # Maghrebi
        ("وشو دور البلدية؟", "ar_dialect"),  # a marker behind the conjunction و
        ("إيش هي الشبكة", "ar_dialect"),  # hamza forms fold
        ("Where was the fifth global summit held?", "en"),
        ("What does the Melbourne declaration say about SCN?", "en"),
        ("Où se tient le sommet mondial ?", "other"),  # Latin letters, no English word
        ("Где прошёл саммит?", "other"),
        ("2024?", "other"),
        ("", "other"),
        ("What is شبكة المدن القوية and who runs it?", "en"),  # mostly Latin letters
        ("ما معنى SCN في الوثيقة؟", "ar_msa"),
    ],
)
def test_classify(text, expected):
    assert classify(text) == expected
    assert expected in LANGUAGES
