"""Arabic normalisation, BM25 tokens and sentence splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.text.arabic import ARABIC_STOPWORDS, bm25_tokens, light_stem, normalize, split_sentences

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
CORPUS = sorted(DOCUMENTS.glob("*.txt"))


# --- normalize -------------------------------------------------------------------------------------


def test_tashkeel_and_superscript_alef_removed():
    assert normalize("مَدِينَةٌ") == normalize("مدينة")
    assert normalize("هٰذا") == "هذا"
    assert normalize("شدّة") == normalize("شدة")


def test_tatweel_removed():
    assert normalize("مـــديـنـة") == normalize("مدينة")


@pytest.mark.parametrize("variant", ["أحمد", "إحمد", "آحمد", "ٱحمد"])
def test_alef_forms_fold(variant):
    assert normalize(variant) == normalize("احمد") == "احمد"


def test_alef_maqsura_folds_to_yeh():
    assert normalize("على") == normalize("علي") == "علي"


def test_teh_marbuta_optional():
    assert normalize("مدينة") == normalize("مدينه") == "مدينه"
    assert normalize("مدينة", fold_teh_marbuta=False) == "مدينة"


def test_hamza_on_waw_and_yeh_fold_to_bare_hamza():
    assert normalize("مسؤول") == normalize("مسئول") == "مسءول"


def test_digits_to_ascii():
    assert normalize("٢٠١٥") == "2015"
    assert normalize("۱۲۳") == "123"  # Persian digits
    assert normalize("٣٫٥") == "3.5"


def test_presentation_forms_and_casefold():
    assert normalize("ﻻ") == "لا"
    assert normalize("ﺍﻟﻤﺪﻳﻨﺔ") == normalize("المدينة")
    assert normalize("Strong CITIES") == "strong cities"


def test_invisible_marks_stripped():
    assert normalize("مد\u200cينة\u200f") == normalize("مدينة")
    assert normalize("\u202bالشبكة\u202c") == "الشبكه"
    assert normalize("a\u200bb") == "a b"


# --- bm25_tokens -----------------------------------------------------------------------------------


def test_diacritics_do_not_change_tokens():
    plain = "أطلقت شبكة المدن القوية في الأمم المتحدة"
    voweled = "أَطْلَقَتْ شَبَكَةُ المُدُنِ القَوِيَّةِ فِي الأُمَمِ المُتَّحِدَةِ"
    assert bm25_tokens(voweled) == bm25_tokens(plain)


def test_spelling_variants_share_tokens():
    assert bm25_tokens("أحمد") == bm25_tokens("احمد")
    assert bm25_tokens("مدينة") == bm25_tokens("مدينه")
    assert bm25_tokens("٢٠١٥") == bm25_tokens("2015") == ["2015"]


def test_prefixes_stripped():
    assert bm25_tokens("والمدن") == bm25_tokens("المدن") == bm25_tokens("مدن") == ["مدن"]
    assert light_stem("بالمدينه") == light_stem("للمدينه") == light_stem("مدينه")


def test_sound_plural_and_nisba_share_stem():
    # Documented: Light10 strips «ات» then «ي», and «ية» → «بلد»; they share a stem.
    assert bm25_tokens("البلديات") == bm25_tokens("بلدية") == ["بلد"]
    assert bm25_tokens("المتطرفون") == bm25_tokens("المتطرفين")


def test_broken_plural_not_conflated():
    # Documented limitation of light stemming.
    assert bm25_tokens("مدينة") != bm25_tokens("مدن")


def test_minimum_stem_length():
    assert light_stem("وطن") == "وطن"  # و kept: remainder would be 2 letters
    assert len(light_stem("اليه")) >= 2


DIALECT = ["ايه", "إيش", "شو", "وش", "فين", "وين", "امتى", "ليش", "ليه", "اللي", "مين"]


@pytest.mark.parametrize("word", DIALECT)
def test_dialect_stopwords_removed(word):
    assert bm25_tokens(word) == []


def test_dialect_question_keeps_content_words():
    assert bm25_tokens("شو هي شبكة المدن القوية؟") == bm25_tokens("ما هي شبكة المدن القوية")
    assert "مدن" in bm25_tokens("وين اللي بيصير في المدن")


def test_msa_and_english_stopwords_removed():
    assert bm25_tokens("ما هي التي في من إلى على وهي") == []
    assert bm25_tokens("What is the network of the cities") == ["network", "city"]
    assert all(normalize(w) == w for w in ARABIC_STOPWORDS)


def test_mixed_script_tokens():
    assert bm25_tokens("شبكة (SCN) عام 2024م") == ["شبك", "scn", "عام", "2024"]


def test_single_letters_dropped():
    assert bm25_tokens("د. أحمد") == ["احمد"]


# --- split_sentences -------------------------------------------------------------------------------


def _texts(text):
    return [s.text for s in split_sentences(text)]


def test_doctor_abbreviation_does_not_split():
    assert _texts("د. أحمد قال كذا. ثم ذهب.") == ["د. أحمد قال كذا.", "ثم ذهب."]


@pytest.mark.parametrize(
    "text",
    [
        "أ.د. محمد علي قال كذا. ثم ذهب.",
        "م. خالد قال كذا. ثم ذهب.",
        "Dr. Smith said so. Then left.",
        "Mr. Smith said so. Then left.",
        "Cities, e.g. Beirut, said so. Then left.",
    ],
)
def test_other_abbreviations(text):
    assert len(split_sentences(text)) == 2


def test_arabic_comma_never_ends_sentence():
    assert len(split_sentences("في الرياض، وجدة، والدمام، عقدت الورش.")) == 1


@pytest.mark.parametrize("mark", [".", "؟", "?", "!", "…"])
def test_terminal_marks(mark):
    assert _texts(f"الجملة الأولى{mark} الجملة الثانية.") == [f"الجملة الأولى{mark}", "الجملة الثانية."]


def test_closing_quote_stays_with_sentence():
    assert _texts("قال: “هذا جيد.” ثم مشى.") == ["قال: “هذا جيد.”", "ثم مشى."]


def test_line_breaks_are_boundaries():
    assert _texts("عنوان بلا نقطة\nنص الفقرة هنا. جملة ثانية.\n\nعنوان آخر") == [
        "عنوان بلا نقطة",
        "نص الفقرة هنا.",
        "جملة ثانية.",
        "عنوان آخر",
    ]


def test_list_markers_stay_attached():
    text = "المبادئ:\n1. الأول هنا.\n2. الثاني هنا.\n٣. الثالث."
    assert _texts(text) == ["المبادئ:", "1. الأول هنا.", "2. الثاني هنا.", "٣. الثالث."]


def test_numbered_principles_in_corpus_stay_whole():
    texts = _texts((DOCUMENTS / "about-scn.txt").read_text(encoding="utf-8"))
    items = [t for t in texts if t[:2] in ("١.", "٢.", "٣.")]
    assert [t[:2] for t in items] == ["١.", "٢.", "٣."]
    assert items[0] == "١. الالتزام بالتعامل مع مشكلة التطرف العنيف بكافة أشكاله."
    assert items[2].endswith("مع احترام معايير حقوق الإنسان الدولية.")
    assert "ما أهمية المدن؟" in texts  # heading line is its own sentence


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_offsets_exact_on_corpus(path):
    text = path.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert sentences
    prev_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= prev_end
        assert text[prev_end : s.start].strip() == ""  # nothing but whitespace is skipped
        prev_end = s.end
    assert text[prev_end:].strip() == ""


def test_offsets_with_odd_whitespace():
    text = "  \u00a0أولاً.   ثانياً؟\r\n\r\n\tثالثاً!  \n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["أولاً.", "ثانياً؟", "ثالثاً!"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_empty_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []
