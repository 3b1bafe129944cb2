from assistant.store.lexical_index import LexicalIndex


def test_normalised_query_finds_diacritised_text():
    index = LexicalIndex(
        ["c1", "c2", "c3"],
        [
            "أُطلقت شبكة المدن القوية في الأمم المتحدة عام 2015.",
            "عقدت القمة العالمية الخامسة في كيب تاون.",
            "ورشة عمل إقليمية في كولومبو.",
        ],
    )
    results = index.search("متى اطلقت الشبكه في الامم المتحده", k=3)
    assert results[0][0] == "c1"
    assert all(score > 0 for _, score in results)


def test_unknown_terms_return_nothing():
    index = LexicalIndex(["c1"], ["القمة العالمية الخامسة"])
    assert index.search("football weather", k=5) == []


def test_empty_index():
    assert LexicalIndex([], []).search("القمة", k=5) == []


def test_k_limits_results():
    texts = [f"القمة رقم {i}" for i in range(10)]
    index = LexicalIndex([f"c{i}" for i in range(10)], texts)
    assert len(index.search("القمة", k=3)) == 3
