"""Content-gap grouping (assistant/staff/gaps.py): the clustering on exact vectors, and on the real
e5-small model with paraphrase groups that are not in the threshold's calibration set
(evalsets/gap_groups.jsonl), through the page's own path (stored answers → groups)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.staff.gaps import DISTANCE_THRESHOLD, cluster, content_gaps
from assistant.staff.insights import Period
from assistant.types import Answer


def _unit(degrees: float) -> list[float]:
    return [np.cos(np.radians(degrees)), np.sin(np.radians(degrees)), 0.0]


def test_cluster_joins_under_the_threshold_only():
    # cosine distance 1 - cos(θ): 5° → 0.004, 40° → 0.234
    vectors = np.array([_unit(0), _unit(5), _unit(40), _unit(44), _unit(90)], dtype=np.float32)
    assert cluster(vectors, 0.01) == [[0, 1], [2, 3], [4]]
    joined = cluster(vectors, 0.3)  # {0°, 5°} and {40°, 44°}: mean distance 0.23; 90° is 0.64 away
    assert [sorted(group) for group in joined] == [[0, 1, 2, 3], [4]]
    assert cluster(vectors, 0.001) == [[0], [1], [2], [3], [4]]


def test_cluster_orders_groups_by_size_and_members_by_centrality():
    vectors = np.array([_unit(90), _unit(0), _unit(2), _unit(1)], dtype=np.float32)
    groups = cluster(vectors, 0.01)
    assert groups[0][0] == 3  # the middle one of 0°, 1°, 2° is the most central
    assert sorted(groups[0]) == [1, 2, 3] and groups[1] == [0]
    assert cluster(np.zeros((0, 3), dtype=np.float32)) == []
    assert cluster(np.array([_unit(10)], dtype=np.float32)) == [[0]]


TOPICS = {
    "contact": [
        "ما عنوان البريد الإلكتروني للتواصل مع أمانة الشبكة؟",
        "كيف أتواصل مع الأمانة العامة للشبكة بالبريد؟",
        "شو الإيميل تبع أمانة الشبكة عشان أراسلهم؟",
    ],
    "training": [
        "هل تنظم الشبكة دورات تدريبية لموظفي البلديات؟",
        "ما الدورات التدريبية المتاحة للعاملين في البلديات؟",
        "في كورسات تدريب لموظفين البلدية؟",
    ],
    "budget": [
        "كم تبلغ ميزانية الشبكة السنوية؟",
        "ما حجم الميزانية السنوية لشبكة المدن القوية؟",
        "قديش ميزانية الشبكة كل سنة؟",
    ],
    "sports": [
        "Are there sports programmes for young people?",
        "Does the network support youth sport activities?",
        "Which sports initiatives for teenagers exist?",
    ],
}


@pytest.mark.model
def test_paraphrase_groups_on_the_real_model(assistant, real_embedder):
    """Refused questions stored in the staff world, grouped with the real embedder: one group per topic."""
    topic_of = {}
    for topic, questions in TOPICS.items():
        for question in questions:
            answer = Answer(text="لا أجد إجابة.", refused=True, refusal_reason="weak_evidence")
            _, answer_id = assistant.conversations.save(None, question, question, answer, [], 10.0)
            topic_of[answer_id] = topic
    gaps = content_gaps(
        assistant.sessions,
        real_embedder,
        # the index here is built with the fast embedder: it embeds the question itself
        lambda question, k, vector: assistant.retriever.search(question, k),
        Period.last_days(),
        retention_days=0,
    )
    assert gaps.total == 12
    found = sorted(sorted(topic_of[q.answer_id] for q in group.questions) for group in gaps.groups)
    assert found == sorted([[topic] * 3 for topic in TOPICS]), (DISTANCE_THRESHOLD, found)
    for group in gaps.groups:
        assert group.documents  # the nearest chunks' documents, from the real retrieval
        assert set(group.documents) <= set(assistant.retriever.titles)


def test_vector_cache_embeds_only_new_questions_and_forgets_old_ones(fake_embedder):
    from assistant.staff.gaps import VectorCache

    cache = VectorCache()
    first = cache.vectors(fake_embedder, ["سؤال أول", "سؤال ثان", "سؤال أول"])
    assert fake_embedder.texts == 2  # a repeated question is embedded once
    assert np.allclose(first[0], first[2])
    again = cache.vectors(fake_embedder, ["سؤال ثان", "سؤال ثالث"])
    assert fake_embedder.texts == 3  # only the new one
    assert np.allclose(again[0], first[1])
    cache.vectors(fake_embedder, ["سؤال ثالث"])
    cache.vectors(fake_embedder, ["سؤال أول"])  # dropped on the previous load: embedded again
    assert fake_embedder.texts == 4
    assert cache.vectors(fake_embedder, []).shape[0] == 0
