import numpy as np

from assistant.reader.batches import token_span
from assistant.reader.spans import best_span, exact_match, token_f1


def test_best_span_picks_the_highest_start_end_pair_within_the_sentence():
    offsets = [(0, 0), (0, 4), (5, 9), (10, 15), (0, 0)]
    start = np.array([0.0, -5, 3.0, 1.0, 0.0, -5])  # index 0 = null, then one per token
    end = np.array([0.0, -5, 0.0, 1.0, 4.0, 9.0])  # the </s> token (index 5) is never chosen
    margin, span = best_span(start, end, offsets)
    assert span == (0, 15)
    assert margin == 3.0 + 4.0 - 0.0


def test_null_wins_gives_a_negative_margin():
    offsets = [(0, 4), (5, 9)]
    margin, span = best_span(np.array([5.0, 0, 0]), np.array([5.0, 0, 0]), offsets)
    assert margin < 0 and span is not None


def test_token_span_maps_chars_to_tokens_and_reports_cut_off_spans():
    offsets = [(0, 0), (0, 0), (0, 3), (4, 8), (9, 12), (0, 0)]
    assert token_span(offsets, 4, 12, 10) == (3, 4)
    assert token_span(offsets, 9, 12, 4) is None


def test_answer_scores_ignore_diacritics_articles_and_punctuation():
    assert exact_match("معهدُ الحوار،", "معهد حوار") == 1.0
    assert token_f1("في كيب تاون", "كيب تاون") == 0.8
    assert token_f1("", "كيب") == 0.0
