"""Boilerplate removal: on the bundled raw pages and on targeted examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.clean import RULES, clean_text

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
PAGES = sorted(DOCUMENTS.glob("*.txt"))

BOILERPLATE = [
    "arrow-circle",
    "video-icon",
    "وقت القراءة",
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "WPML",
    "تمت ترجمة محتوى هذا الموقع",
    "الأخبار و الأحداث",
    "ابق على اطلاع",
    "التحميلات",
    "تقرير الحدث",
]

# Article sentences (or their distinctive parts) that must survive cleaning.
KNOWN_SENTENCES = {
    "about-scn.txt": [
        "أطلقت شبكة المدن القوية في الأمم المتحدة في شهر أيلول/سبتمبر 2015",
        "١. الالتزام بالتعامل مع مشكلة التطرف العنيف بكافة أشكاله.",
        "بعدها سيتمكن فريق عملنا من التواصل معكم وتوجيهكم خلال عملية التقدّم بطلب العضوية الرسمي.",
    ],
    "birmingham-stronger-cities-conference.txt": [
        "في الأسبوع الماضي، نظمت شبكة SCN مع مجلس مدينة بيرمنغهام مؤتمرًا لمدة يومين",
        # the final paragraph, just before the comment form (the source has a no-break space in it)
        "وأضاف المستشار نايجل مورفي، \u00a0نائب رئيس مجلس مدينة مانشستر أن ” مانشستر ترحب بفرصة المشاركة في "
        "شبكة ديناميكية من شركاء من جميع أنحاء البلدان للتعلم، ومشاركة الممارسات الجيدة، "
        "وإعلام السياسة الوطنية.”",
    ],
    "fifth-global-summit-nlc-2024.txt": [
        "مؤتمر القمة العالمي الخامس: الممارسات الجيدة لتعزيز التعاون الوطني – المحلي "
        "في مجال الوقاية والاستجابة",
        "في الفترة من 3 إلى 5 ديسمبر 2024، عقدت شبكة المدن القوية قمتها العالمية الخامسة في كيب تاون",
        "للمزيد من المعلومات حول القمة العالمية الخامسة أو شبكة المدن القوية",
    ],
    "melbourne-declaration-2018.txt": [
        "11 تموز/يوليو 2018، ميلبورن: من الممكن توحيد المجتمعات المحلية",
        "See the full SCN Melbourne Declaration here, in English, Arabic, and French",
    ],
    "south-asia-regional-workshop-2023.txt": [
        "في الفترة من 2 إلى 3 أغسطس 2023، جمعت مبادرة المدن القوية ما يقرب من 40 رئيس بلدية",
        "وتضمنت النقاط الرئيسية التي تم تسليط الضوء عليها خلال ورشة العمل ما يلي:",
    ],
}


def _without_artefacts(line: str) -> str:
    return line.replace(" [email\u00a0protected]", "").replace(" [email protected]", "").rstrip()


def test_every_page_has_known_sentences() -> None:
    assert {p.name for p in PAGES} == set(KNOWN_SENTENCES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_clean_bundled_page(page: Path) -> None:
    raw = page.read_text(encoding="utf-8")
    cleaned = clean_text(raw)

    for marker in BOILERPLATE:
        assert marker not in cleaned, marker
    assert "[email protected]" not in cleaned  # the obfuscated e-mail placeholder of saved pages
    # Every remaining line is a line of the original, byte for byte (trailing spaces and inline
    # artefacts aside).
    original_lines = {_without_artefacts(line) for line in raw.split("\n")}
    for line in cleaned.split("\n"):
        if line:
            assert line in original_lines
            assert line.strip()  # no whitespace-only (e.g. no-break space) lines
    for sentence in KNOWN_SENTENCES[page.name]:
        assert sentence in cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert all(line == line.rstrip() for line in cleaned.split("\n"))
    # Nothing but boilerplate was dropped: the article lines are all still there.
    article_lines = [
        _without_artefacts(line)
        for line in raw.split("\n")
        if line.strip() and not any(marker in line for marker in BOILERPLATE)
    ]
    assert [line for line in cleaned.split("\n") if line] == article_lines
    assert clean_text(cleaned) == cleaned  # idempotent


def test_birmingham_ends_with_its_last_paragraph() -> None:
    cleaned = clean_text(
        (DOCUMENTS / "birmingham-stronger-cities-conference.txt").read_text(encoding="utf-8")
    )
    assert cleaned.split("\n")[-1].startswith("وأضاف المستشار نايجل مورفي")


def test_rules_are_documented_data() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.action in ("drop", "truncate", "block")
        assert (rule.followers is not None) == (rule.action == "block")


ARTICLE = "عقدت شبكة المدن القوية قمتها العالمية الخامسة في كيب تاون."


@pytest.mark.parametrize(
    "line",
    [
        "arrow-circle arrow-down-basicarrow-down arrow-left-small arrow-left arrow-right-small arrow-right "
        "arrow-up arrow closefacebooklinkedinsearch twittervideo-icon",
        "— 0 دقائق وقت القراءة",
        "5 دقائق للقراءة",
        "وقت القراءة: 3 دقائق",
        "— 4 min read",
        "7 minute read",
        "Reading time: 4 minutes",
        "تمت ترجمة محتوى هذا الموقع تلقائيًا باستخدام WPML . للإبلاغ عن الأخطاء ، أرسل لنا بريدًا إلكترونيًا .",
        "The content of this website has been automatically translated using WPML. Report errors by email.",
        "This page was machine translated.",
        "ابق على اطلاع بأحدث الأخبار والمقالات وتقارير الأحداث",
        "Stay up to date with the latest news, articles and event reports",
        "اشترك في نشرتنا الإخبارية",
        "Subscribe to our newsletter",
        "\u00a0",
        "   ",
    ],
)
def test_boilerplate_line_is_dropped(line: str) -> None:
    assert clean_text(f"{ARTICLE}\n\n{line}\n\n{ARTICLE}") == f"{ARTICLE}\n\n{ARTICLE}"


@pytest.mark.parametrize("heading", ["Leave a Reply", "Leave a Comment", "اترك تعليقاً", "أضف تعليقًا"])
def test_comment_form_and_everything_after_is_dropped(heading: str) -> None:
    notice = "Your email address will not be published. Required fields are marked *"
    text = f"{ARTICLE}\n\n{heading}\n\n{notice}\n\nComment *\nName *"
    assert clean_text(text) == ARTICLE


def test_comment_notice_without_heading_truncates() -> None:
    text = f"{ARTICLE}\n\nYour email address will not be published. Required fields are marked *\nName *"
    assert clean_text(text) == ARTICLE


def test_comment_heading_before_any_text_does_not_wipe_the_article() -> None:
    assert clean_text(f"Leave a Reply\n\n{ARTICLE}") == ARTICLE


def test_news_footer_and_download_widget() -> None:
    text = (
        f"{ARTICLE}\n\nالتحميلات\n\nتقرير الحدث\nالأخبار و الأحداث\n\n"
        "ابق على اطلاع بأحدث الأخبار والمقالات وتقارير الأحداث\n"
    )
    assert clean_text(text) == ARTICLE


def test_widget_headings_alone_are_kept() -> None:
    # The same words heading real text are not the widgets: keep them.
    text = f"الأخبار و الأحداث\n\n{ARTICLE}\n\nالتحميلات\n\nيمكن تحميل التقرير الكامل من موقع الشبكة."
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "sentence",
    [
        "قال المتحدث إن وقت القراءة 5 دقائق لا يكفي لفهم التقرير.",
        "نُشر التقرير بعد أن تمت ترجمة محتوى هذا الموقع تلقائيًا في العام الماضي، وفق ما قاله المنسق.",
        "Participants were asked to leave a reply to the survey before the summit closed.",
        "The arrow of progress points to cities: facebook and twitter campaigns reached 40 cities.",
        "ابق على اطلاع، قالت رئيسة البلدية، فالمعلومة هي خط الدفاع الأول.",
        "اشترك أكثر من 60 رئيس بلدية في النقاش.",
    ],
)
def test_article_sentences_mentioning_boilerplate_words_are_kept(sentence: str) -> None:
    text = f"{ARTICLE}\n\n{sentence}\n\n{ARTICLE}"
    assert clean_text(text) == text


def test_blank_runs_collapse_and_trailing_spaces_go() -> None:
    assert clean_text(f"\n\n{ARTICLE}   \n\n\n \u00a0\n\n{ARTICLE}\t\n\n") == f"{ARTICLE}\n\n{ARTICLE}"


def test_crlf_input() -> None:
    assert clean_text(f"{ARTICLE}\r\n\r\n— 0 دقائق وقت القراءة\r\n{ARTICLE}\r\n") == f"{ARTICLE}\n\n{ARTICLE}"


def test_obfuscated_email_placeholder_is_removed_inline() -> None:
    raw = "للمزيد يرجى الاتصال على [email\u00a0protected].\nأو [email protected] و [ email protected ] أيضًا."
    assert clean_text(raw) == "للمزيد يرجى الاتصال على.\nأو و أيضًا."
    # a line left with nothing else is dropped
    assert clean_text("نص.\n\n[email protected]\n\nنص آخر.") == "نص.\n\nنص آخر."


def test_page_breaks_survive_cleaning() -> None:
    # a break on a dropped boilerplate line moves to the next kept line; empty pages keep theirs
    raw = "الصفحة الأولى.\n\n\f5 دقائق للقراءة\nالصفحة الثانية.\f\n\n\fالصفحة الرابعة.\f"
    cleaned = clean_text(raw)
    assert cleaned == "الصفحة الأولى.\n\n\fالصفحة الثانية.\f\n\n\fالصفحة الرابعة.\f"
    assert cleaned.count("\f") == raw.count("\f")
