"""Follow-up rewriting (assistant/chat/followups.py): unit tests with a fake idf, one with the real model."""

from __future__ import annotations

import pytest

from assistant.chat.followups import (
    KeyTermRewriter,
    QuestionRewriter,
    Turn,
    is_followup,
    rewrite_followup,
)
from assistant.text.arabic import bm25_tokens

SUMMIT = "متى عُقدت القمة العالمية الخامسة؟"
SUPPORTERS = "بدعم سخي من الاتحاد الأوروبي"

# A fake idf: a few chosen values, every other term 1.0.
IDF = {"خامس": 3.0, "عقدت": 2.5, "قم": 2.0, "عالم": 0.5}


def fake_weights(text: str) -> dict[str, float]:
    return {t: IDF.get(t, 1.0) for t in dict.fromkeys(bm25_tokens(text))}


def history(*questions: str) -> list[Turn]:
    return [Turn(question=q, standalone=q, answer="…") for q in questions]


# --- follow-ups get the previous key terms ---------------------------------------------------------


@pytest.mark.parametrize("followup", ["ومن دعمها؟", "وفين؟", "ومين؟", "وامتى؟", "وإمتى؟", "ومين موّلها؟"])
def test_arabic_followups_get_previous_terms(followup):
    out = rewrite_followup(followup, history(SUMMIT), fake_weights)
    assert out.startswith(followup)
    assert "القمة" in out and "الخامسة" in out
    assert "متى" not in out[len(followup) :]  # the previous interrogative is not carried


def test_terms_ranked_by_idf_and_kept_in_surface_order():
    out = rewrite_followup("ومن دعمها؟", history(SUMMIT), fake_weights, max_terms=2)
    assert out == "ومن دعمها؟ عُقدت الخامسة"  # idf 2.5 and 3.0; القمة (2.0) is third
    out = rewrite_followup("ومن دعمها؟", history(SUMMIT), fake_weights, max_terms=3)
    assert out == "ومن دعمها؟ عُقدت القمة الخامسة"


def test_terms_already_in_the_followup_are_not_repeated():
    out = rewrite_followup("ومن دعم القمة؟", history(SUMMIT), fake_weights)
    assert out.count("القمة") == 1
    assert "الخامسة" in out


@pytest.mark.parametrize(
    "followup",
    [
        "وهل الانضمام إلى هذه الشبكة مجاني؟",  # demonstrative
        "ومع أي جامعة يعمل ذلك المجلس؟",  # demonstrative
        "وقديش مدينة صار فيها هلق؟",  # Levantine, pronoun on a particle
        "وكل كم يجتمع المجلس المحلي عندهم؟",  # Gulf
        "وشنو كدير المقاطعة ديالها؟",  # Maghrebi possessive
        "وعمدة نانسانا؟",  # ellipsis with a new entity
        "ماذا قالوا هناك؟",  # locative demonstrative
        "و الميزانية؟",  # a detached و
        "إلى أي مدى نجح مجلسها؟",  # «إلى» (normalised «الي») is not the relative «اللي»
    ],
)
def test_reference_cues_make_a_followup(followup):
    assert is_followup(followup)


@pytest.mark.parametrize(
    "followup",
    [
        "And when?",
        "And when was it launched?",
        "What did she say about the network?",
        "What did the minister say there?",
        "What about the funding?",
        "Who supported them?",
    ],
)
def test_english_followups(followup):
    out = rewrite_followup(followup, history("Where was the fifth global summit held?"), fake_weights)
    assert out.startswith(followup)
    assert "fifth global summit" in out
    assert "Where" not in out[len(followup) :]


def test_chain_of_followups_keeps_the_topic():
    first = Turn(SUMMIT, SUMMIT)
    second_q = "ومن دعمها؟"
    second = Turn(second_q, rewrite_followup(second_q, [first], fake_weights))
    third = rewrite_followup("وفين؟", [first, second], fake_weights)
    assert "الخامسة" in third and "دعمها" in third


# --- standalone questions come back unchanged ------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "ما هو إعلان ميلبورن؟",
        "من هو بن والاس؟",
        "ما الاتجاهات الناشئة التي ناقشها مؤتمر بيرمنغهام؟",  # resumptive pronoun, not a reference
        "هل هناك رسوم للانضمام إلى الشبكة؟",  # existential «هناك»
        "إيه اللي أعلنه مجلس مدينة بيرمنغهام في اجتماع قادة المجلس؟",
        "وهل تربط شبكة المدن القوية جهود الوقاية من التطرف بدين أو جنسية معينة؟",  # long, opens with و
        "Who is Sasha Havlicek?",
        "Is there a membership fee?",  # existential "there"
        "Which city hosted the Building Stronger Cities conference in the United Kingdom?",
    ],
)
def test_standalone_questions_unchanged(question):
    assert not is_followup(question)
    assert rewrite_followup(question, history(SUMMIT), fake_weights) == question


@pytest.mark.parametrize("question", ["ومن دعمها؟", "وفين؟", "And when?", "ما هو إعلان ميلبورن؟"])
def test_empty_history_unchanged(question):
    assert rewrite_followup(question, [], fake_weights) == question


def test_surrounding_whitespace_is_stripped():
    assert rewrite_followup("  ما هو إعلان ميلبورن؟ ", [], fake_weights) == "ما هو إعلان ميلبورن؟"


@pytest.mark.parametrize("message", ["؟", "ـــ", "...", "  "])
def test_messages_without_words_do_not_crash(message):
    assert rewrite_followup(message, history(SUMMIT), fake_weights).startswith(message.strip())
    assert rewrite_followup(message, [], fake_weights) == message.strip()


def test_key_term_rewriter_implements_the_interface():
    rewriter = KeyTermRewriter(fake_weights, max_terms=2)
    assert isinstance(rewriter, QuestionRewriter)
    turns = history(SUMMIT)
    assert rewriter.rewrite("ومن دعمها؟", turns) == rewrite_followup(
        "ومن دعمها؟", turns, fake_weights, max_terms=2
    )
    assert rewriter.rewrite("ما هو إعلان ميلبورن؟", turns) == "ما هو إعلان ميلبورن؟"


# --- real model ------------------------------------------------------------------------------------


@pytest.mark.model
def test_rewritten_followup_retrieves_the_supporters_chunk(real_assistant):
    retriever = real_assistant.retriever
    target = {
        c.id
        for c in retriever.chunks.values()
        if c.document_id == "fifth-global-summit-nlc-2024" and SUPPORTERS in c.text
    }
    assert target

    def top5(query: str) -> set[str]:
        return {h.chunk.id for h in real_assistant.search(query, 5)}

    rewriter = KeyTermRewriter(retriever.lexical.query_weights)
    rewritten = rewriter.rewrite("ومن دعمها؟", history(SUMMIT))
    assert rewritten != "ومن دعمها؟"
    assert top5(rewritten) & target
    assert not top5("ومن دعمها؟") & target  # the raw follow-up alone misses it
