"""The answer-type check: when / how-many questions need a sentence with a date / a number the
question does not already give; the first such sentence leads, none means not answered."""

import pytest

from assistant.answer.answer_type import AskedType, check


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("متى أطلقت الشبكة؟", "when"),
        ("امتى اتعملت القمة؟", "when"),  # Egyptian
        ("شوكت انضمت المدينة؟", "when"),  # Iraqi
        ("في أي عام تأسس المعهد؟", "when"),
        ("كم عدد المدن الأعضاء؟", "count"),
        ("قديش عدد المشاركين؟", "count"),  # Levantine
        ("شحال من واحد حضر؟", "count"),  # Maghrebi
        ("When was the network launched?", "when"),
        ("According to the report, how many cities joined?", "count"),
        ("In what year was the institute founded?", "when"),
    ],
)
def test_when_and_how_many_questions_are_checked(question, kind):
    asked = AskedType.of(question)
    assert asked is not None and asked.kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "من يدير الشبكة؟",
        "لماذا أنشئت الشبكة؟",
        "What did the mayor say about youth?",
        # the "when" of a subordinate clause is not what an English question asks
        "Should national bodies back local work even when priorities differ?",
        "Does the network help as much as the report says?",
    ],
)
def test_other_questions_are_not_checked(question):
    assert AskedType.of(question) is None


@pytest.mark.parametrize(
    ("sentence", "held"),
    [
        ("أطلقت الشبكة في شهر أيلول/سبتمبر 2015.", True),
        ("عقدت القمة في ديسمبر.", True),  # a month alone
        ("نظمت الشبكة مؤتمرًا في الأسبوع الماضي.", True),  # a relative time
        ("صدر الإعلان في ٢٠١٥.", True),  # Arabic-Indic digits
        ("صدر الإعلان في ٢٠١٨.", False),  # the question's year, in Arabic-Indic digits
        ("تعمل الشبكة مع رؤساء البلديات لمواجهة التطرف.", False),
        ("اجتمع القادة في ملبورن عام 2018.", False),  # the question's own year is not an answer
        ("حضر 250 قائدًا محليًا.", False),  # a count is not a date
    ],
)
def test_a_date_the_question_does_not_give(sentence, held):
    assert AskedType.of("متى اجتمع القادة في ملبورن عام 2018؟").held_by(sentence) is held


@pytest.mark.parametrize(
    ("sentence", "held"),
    [
        ("حضر أكثر من 140 مشاركًا.", True),
        ("وتضم الشبكة اليوم أكثر من مئة مدينة.", True),  # a number word
        ("استمرت النقاشات ثلاثة أيام.", True),
        ("عقدت القمة في كيب تاون عام 2024.", False),  # a year is not a count
        ("تعمل الشبكة على بناء علاقات تعاون.", False),
        ("شاركت 5 مدن في الجلسة.", False),  # the question gives 5 itself
    ],
)
def test_a_count_the_question_does_not_give(sentence, held):
    assert AskedType.of("كم عدد المشاركين في الجلسات الـ5؟").held_by(sentence) is held


EVIDENCE = ["تعمل الشبكة مع المدن.", "يديرها معهد الحوار.", "أطلقت في أيلول/سبتمبر 2015."]


def test_the_first_sentence_with_the_type_leads_and_the_others_keep_their_order():
    asked = AskedType.of("متى أطلقت الشبكة؟")
    items, ok = check(asked, ["a", "b", "c"], EVIDENCE, [0.6, 0.3, 0.2], window=5, floor=0.005)
    assert ok and items == ["c", "a", "b"]


def test_no_sentence_with_the_type_in_the_window_means_not_answered():
    asked = AskedType.of("متى أطلقت الشبكة؟")
    items, ok = check(asked, ["a", "b", "c"], EVIDENCE, [0.6, 0.3, 0.2], window=2, floor=0.005)
    assert not ok and items == ["a", "b", "c"]


def test_a_sentence_under_the_floor_does_not_count():
    asked = AskedType.of("متى أطلقت الشبكة؟")
    _, ok = check(asked, ["a", "b", "c"], EVIDENCE, [0.6, 0.3, 0.001], window=5, floor=0.005)
    assert not ok


def test_questions_that_ask_for_something_else_pass_unchanged():
    items, ok = check(None, ["a", "b"], EVIDENCE[:2], [0.1, 0.9], window=5, floor=0.5)
    assert ok and items == ["a", "b"]


@pytest.mark.parametrize(
    ("question", "sentence", "span"),
    [
        ("متى أطلقت الشبكة؟", "أطلقت الشبكة في شهر أيلول/سبتمبر 2015، وهي الأولى.", "أيلول/سبتمبر 2015"),
        ("امتى اتعملت القمة؟", "في الفترة من 3 إلى 5 ديسمبر 2024، عقدت الشبكة قمتها.", "3 إلى 5 ديسمبر 2024"),
        ("متى وقعت الهجمات؟", "الهجمات التي وقعت في لندن السنة الماضية كما", "السنة الماضية"),
        ("متى صدر الإعلان؟", "11 تموز/يوليو 2018، ميلبورن: من الممكن", "11 تموز/يوليو 2018"),
        ("كم مدينة تضم الشبكة؟", "وتضم الشبكة اليوم أكثر من مئة مدينة.", "أكثر من مئة مدينة"),
        # several counts: the one whose counted word the question names; a day of a date is no count
        (
            "كم مشاركًا حضر؟",
            "من 3 إلى 5 ديسمبر جمعت أكثر من 140 مشاركًا، منهم 60 رئيس بلدية.",
            "أكثر من 140 مشاركًا",
        ),
        ("كم عدد الدول؟", "مشاركون من أكثر من 90 مدينة و40 دولة حول العالم.", "40 دولة"),
        ("كم عدد البلدان؟", "التحديات في جميع البلدان الخمسة، عرضت الورشة", "البلدان الخمسة"),  # noun first
        ("كم يومًا استمر المؤتمر؟", "نظمت الشبكة مؤتمرًا لمدة يومين لتسهيل مشاركة المعارف.", "يومين"),  # a dual
        (
            "متى أُطلق الدليل؟",
            "أطلق الدليل في سبتمبر\u0651 2015.",
            "سبتمبر\u0651 2015",
        ),  # offsets survive a diacritic
    ],
)
def test_the_short_answer_is_the_asked_date_or_count(question, sentence, span):
    found = AskedType.of(question).span(sentence, question)
    assert found is not None and sentence[found[0] : found[1]] == span


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        (
            "كم يومًا استمرت القمة؟",
            "جمعت أكثر من 140 مشاركًا، منهم 60 رئيس بلدية.",
        ),  # two counts, neither of days
        ("متى عقدت القمتان؟", "عقدت الأولى في 2015 والثانية في 2017."),  # two dates
        ("How many leaders met?", "اجتمع ما يقارب 250 قائدًا من أكثر من 30 دولة."),  # no Arabic word to match
    ],
)
def test_no_short_answer_when_it_is_not_unique(question, sentence):
    assert AskedType.of(question).span(sentence, question) is None


def test_a_when_question_over_chunks_without_quotable_sentences_is_declined(
    settings, fake_embedder, corpus_copy, monkeypatch
):
    """Retrieval finds chunks but none of their sentences can be quoted (no sentence records, as
    in an index built by other tools): the check has no sentence to lead with and nothing breaks."""
    from assistant.chat import pipeline as pipeline_module
    from assistant.chat.service import Assistant
    from tests.conftest import ingest_into

    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    monkeypatch.setattr(pipeline_module, "score_evidence", lambda *args, **kwargs: [])
    found = assistant.pipeline.retrieve_evidence("متى أطلقت شبكة المدن القوية؟")
    assert found.hits and found.evidence == [] and found.decline is not None
