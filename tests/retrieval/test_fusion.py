import pytest

from assistant.retrieval.fusion import weighted_rrf


def test_item_in_both_lists_beats_item_in_one():
    fused = dict(weighted_rrf(["a", "b"], ["b", "c"], dense_weight=0.5, k=60))
    assert fused["b"] > fused["a"] > 0
    assert fused["b"] > fused["c"]


def test_weight_one_reproduces_dense_order():
    fused = weighted_rrf(["x", "y", "z"], ["z", "y", "w"], dense_weight=1.0, k=10)
    assert [item for item, _ in fused] == ["x", "y", "z"]


def test_weight_zero_reproduces_lexical_order():
    fused = weighted_rrf(["x", "y"], ["z", "y", "w"], dense_weight=0.0, k=10)
    assert [item for item, _ in fused] == ["z", "y", "w"]


def test_dense_weight_tilts_disagreement():
    # a is first in dense, b first in lexical: the heavier list wins
    assert weighted_rrf(["a", "b"], ["b", "a"], dense_weight=0.7, k=60)[0][0] == "a"
    assert weighted_rrf(["a", "b"], ["b", "a"], dense_weight=0.3, k=60)[0][0] == "b"


def test_scores_follow_formula():
    fused = dict(weighted_rrf(["a"], ["a"], dense_weight=0.7, k=60))
    assert fused["a"] == pytest.approx(0.7 / 61 + 0.3 / 61)


def test_rejects_bad_weight():
    with pytest.raises(ValueError):
        weighted_rrf(["a"], ["a"], dense_weight=1.5, k=60)


def test_convex_combination_min_max_scales_each_list():
    from assistant.retrieval.fusion import convex_combination

    dense = [("a", 0.90), ("b", 0.85), ("c", 0.80)]
    lexical = [("c", 12.0), ("b", 6.0), ("d", 0.0)]
    fused = dict(convex_combination(dense, lexical, dense_weight=0.5))
    assert fused["a"] == pytest.approx(0.5)  # top dense, absent from bm25
    assert fused["b"] == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert fused["c"] == pytest.approx(0.5)
    assert fused["d"] == pytest.approx(0.0)
    only_dense = convex_combination(dense, lexical, dense_weight=1.0)
    assert [i for i, _ in only_dense[:3]] == ["a", "b", "c"]
