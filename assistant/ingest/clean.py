"""Remove web-page boilerplate from a loaded text, keeping the article text unchanged.

``clean_text`` is applied to every loaded text whatever its format, so raw pages dropped in by
users are treated like the bundled ones. It works on whole lines: a line is either kept
exactly as it was (apart from trailing whitespace) or dropped, so an article sentence is never
cut. The one exception is ``INLINE_ARTEFACTS``, placeholders a saved page leaves inside a
sentence (the «[email protected]» of obfuscated e-mail addresses), removed where they stand.

The rules are data (``RULES``), each a compiled pattern that must match a *whole* line
(stripped of surrounding whitespace) and an action:

* ``drop``: drop the line.
* ``truncate``: drop the line and everything after it (a comment form ends the article). As a
  safeguard, a truncating line that comes before any kept text only drops itself.
* ``block``: drop the line only when the next non-blank line(s) match ``followers``; those
  followers are dropped too. Used for widget headings ("Downloads", "News & Events") whose
  words could head a real section on their own.

Rules must stay conservative: each one targets text that is never article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Action = Literal["drop", "truncate", "block"]


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]
    action: Action = "drop"
    followers: re.Pattern[str] | None = None  # only for "block"


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags | re.VERBOSE)


_NUM = r"[0-9\u0660-\u0669\u06f0-\u06f9]+"  # Western, Arabic-Indic and Persian digits
_LEAD = r"[\u2014\u2013\-\u2022\u00b7|]?\s*"  # an optional dash or bullet before a widget line
_MINUTES_AR = r"(?:دقائق|دقيقة|دقيقتان|دقيقتين|د)"
_MINUTES_EN = r"(?:min|mins|minutes?)"
_TANWEEN_A = r"(?:\u064b\u0627|\u0627\u064b|\u0627)"  # "ًا" / "اً" / "ا" (e.g. تلقائيًا)

RULES: tuple[LineRule, ...] = (
    # Icon-font ligature names that leak into the text of themed sites: "arrow-circle
    # arrow-down-basicarrow-down ... closefacebooklinkedinsearch twittervideo-icon". A line of
    # lowercase ASCII words only, at least three, with two or more icon names in it.
    LineRule(
        "icon-font-words",
        _re(
            r"""(?=(?:.*?(?:arrow|chevron|caret|facebook|twitter|linkedin|instagram|youtube|icon)){2})
            [a-z0-9]+(?:[-\ ][a-z0-9]+){2,}"""
        ),
    ),
    # Arabic reading-time widget: "— 0 دقائق وقت القراءة", "5 دقائق للقراءة", "دقيقة واحدة للقراءة".
    LineRule(
        "reading-time-ar",
        _re(
            rf"""{_LEAD}(?:{_NUM}\s*{_MINUTES_AR}|دقيقة\s+واحدة|دقيقتان)\.?\s*
            (?:وقت\s+(?:ال)?قراءة|للقراءة|قراءة)\.?"""
        ),
    ),
    # ... and the other word order: "وقت القراءة: 3 دقائق", "مدة القراءة 4 دقائق".
    LineRule(
        "reading-time-ar-prefix",
        _re(rf"""{_LEAD}(?:وقت|مدة)\s+القراءة\s*[:\uff1a\-\u2013\u2014]?\s*{_NUM}\s*{_MINUTES_AR}\.?"""),
    ),
    # English reading time: "5 min read", "— 3 minute read", "4 mins reading time".
    LineRule(
        "reading-time-en",
        _re(rf"""{_LEAD}{_NUM}\s*-?\s*{_MINUTES_EN}\.?\s+read(?:ing)?(?:\s+time)?\.?""", re.IGNORECASE),
    ),
    # "Reading time: 4 minutes", "Estimated reading time: about 3 min".
    LineRule(
        "reading-time-en-prefix",
        _re(
            rf"""{_LEAD}(?:estimated\s+)?reading\s+time\s*[:\uff1a\-\u2013\u2014]?\s*(?:about\s+|~\s*)?
            {_NUM}\s*{_MINUTES_EN}\.?""",
            re.IGNORECASE,
        ),
    ),
    # WordPress comment form heading: the form and anything after it is not article text.
    LineRule(
        "comment-form-heading",
        _re(
            rf"""(?:leave\s+a\s+(?:reply|comment)(?:\s+to\s+.{{1,80}})?
            |أضف\s+تعليق{_TANWEEN_A}?|اترك\s+(?:تعليق{_TANWEEN_A}?|رد{_TANWEEN_A}?)|أضف\s+رد{_TANWEEN_A}?)
            \s*[:.]?""",
            re.IGNORECASE,
        ),
        "truncate",
    ),
    # The comment form's privacy notice, in case the heading was lost:
    # "Your email address will not be published. Required fields are marked *".
    LineRule(
        "comment-form-notice",
        _re(
            r"""(?:your\s+email\s+address\s+will\s+not\s+be\s+published\b.{0,80}
            |لن\s+يتم\s+نشر\s+عنوان\s+بريدك\s+الإلكتروني.{0,80})""",
            re.IGNORECASE,
        ),
        "truncate",
    ),
    # Machine-translation notice of the WPML plugin:
    # "تمت ترجمة محتوى هذا الموقع تلقائيًا باستخدام WPML . للإبلاغ عن الأخطاء ، أرسل لنا بريدًا إلكترونيًا ."
    LineRule(
        "machine-translation-notice-ar",
        _re(
            rf"""تمت\s+ترجمة\s+(?:محتوى\s+)?(?:هذا|هذه)\s+(?:الموقع|المحتوى|الصفحة|المقالة|المقال)\s+
            (?:تلقائي{_TANWEEN_A}|آلي{_TANWEEN_A}).{{0,200}}"""
        ),
    ),
    # English equivalents: "The content of this website has been automatically translated
    # using WPML...", "This page was machine translated."
    LineRule(
        "machine-translation-notice-en",
        _re(
            r"""(?:the\s+content\s+of\s+this\s+(?:site|website|page)|this\s+(?:site|website|page|content|article|post))
            \b.{0,80}\b(?:automatically|machine)[-\ ]translated\b.{0,200}""",
            re.IGNORECASE,
        ),
    ),
    # Any other short line that names the WPML translation plugin and translation.
    LineRule(
        "machine-translation-wpml",
        _re(r"""(?=.*\bWPML\b)(?=.*(?:ترجم|translat)).{0,300}""", re.IGNORECASE),
    ),
    # News footer heading "الأخبار و الأحداث" / "News & Events", only when the next line is
    # its "stay up to date" blurb or a subscribe line.
    LineRule(
        "news-footer",
        _re(
            r"""(?:الأخبار\s*و\s*الأحداث|الأخبار\s*و\s*الفعاليات|news\s*(?:&|and)\s*events)""", re.IGNORECASE
        ),
        "block",
        followers=_re(
            r"""(?:(?:ابق|ابقَ|ابقى|ابقوا|كن|كونوا)\s+على\s+(?:اطلاع|إطلاع|علم)\b.{0,120}
            |stay\s+(?:up\s+to\s+date|informed|updated)\b.{0,120}
            |(?:اشترك|اشتركوا|سجّل|سجل|subscribe|sign\s+up)\b.{0,120})""",
            re.IGNORECASE,
        ),
    ),
    # Its blurb on its own: "ابق على اطلاع بأحدث الأخبار والمقالات وتقارير الأحداث",
    # "Stay up to date with the latest news, articles and event reports".
    LineRule(
        "stay-up-to-date",
        _re(
            r"""(?:(?:ابق|ابقَ|ابقى|ابقوا|كن|كونوا)\s+على\s+(?:اطلاع|إطلاع|علم)\s+(?:دائم\s+)?بأحدث\s.{0,100}
            |stay\s+(?:up\s+to\s+date|informed|updated)\s+(?:with|on)\s+(?:the\s+|all\s+)?(?:latest|our)\b.{0,100})""",
            re.IGNORECASE,
        ),
    ),
    # Newsletter subscribe lines: "اشترك في نشرتنا الإخبارية", "Subscribe to our newsletter",
    # "Sign up for updates", or a lone "Subscribe" button label.
    LineRule(
        "subscribe",
        _re(
            r"""(?:(?:اشترك|اشتركي|اشتركوا|سجّل|سجل|سجلوا)\s+(?:الآن\s+)?(?:في|ب|على)\s*
                (?:نشرتنا|النشرة|قائمتنا|القائمة\s+البريدية)\S*.{0,80}
            |(?:subscribe|sign\s+up)\b.{0,60}\b(?:newsletter|mailing\s+list|updates)\b.{0,40}
            |(?:subscribe|subscribe\s+now|اشترك|اشترك\s+الآن)\s*[.!]?)""",
            re.IGNORECASE,
        ),
    ),
    # Download widget leftovers: a "التحميلات" / "Downloads" heading followed by the labels of
    # the files it linked ("تقرير الحدث", "Event report", "Download PDF").
    LineRule(
        "downloads-widget",
        _re(r"""(?:التحميلات|التنزيلات|downloads?)\s*:?""", re.IGNORECASE),
        "block",
        followers=_re(
            r"""(?:تقرير\s+الحدث|تقرير\s+الفعالية|تقرير\s+الجلسة|التقرير|تحميل|تنزيل|ملف\s+PDF
            |event\s+report|report|download(?:\s+(?:pdf|report|file))?|pdf)
            \s*(?:\(.{0,40}\))?""",
            re.IGNORECASE,
        ),
    ),
)


def _matching_rule(line: str) -> LineRule | None:
    for rule in RULES:
        if rule.pattern.fullmatch(line):
            return rule
    return None


# Placeholders saved web pages leave inside sentences; removed where they stand (with the space
# before them). Cloudflare replaces every e-mail address of a page by "[email protected]" and
# the script that restores it does not run in a saved copy.
INLINE_ARTEFACTS: tuple[re.Pattern[str], ...] = (
    re.compile(r"[ \t\u00a0]*\[\s*email(?:\s|&#160;|\u00a0)*protected\s*\]", re.IGNORECASE),
)
_PAGE_BREAK = "\f"


def clean_text(text: str) -> str:
    """Drop boilerplate lines and inline artefacts, strip trailing whitespace, collapse runs of
    blank lines. Page breaks (form feeds) are kept: the break of a dropped line moves to the
    next kept one, so page numbers stay right."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_rstrip(_remove_inline_artefacts(line)) for line in lines]
    breaks = [line.count(_PAGE_BREAK) for line in lines]
    # Lines of whitespace only (including no-break spaces) are blank lines.
    lines = ["" if not line.replace(_PAGE_BREAK, "").strip() else line for line in lines]
    keep = [True] * len(lines)
    seen_text = False
    i = 0
    while i < len(lines):
        stripped = lines[i].replace(_PAGE_BREAK, "").strip()
        if not stripped:
            i += 1
            continue
        rule = _matching_rule(stripped)
        if rule is None:
            seen_text = True
            i += 1
            continue
        if rule.action == "drop":
            keep[i] = False
        elif rule.action == "truncate":
            if seen_text:
                for j in range(i, len(lines)):
                    keep[j] = False
                break
            keep[i] = False
        elif rule.action == "block":
            followers = _block_followers(lines, i, rule)
            if followers:
                keep[i] = False
                for j in followers:
                    keep[j] = False
                i = followers[-1]
            else:
                seen_text = True
        i += 1

    out: list[str] = []
    carried = 0  # page breaks of dropped or blank lines, given to the next kept line
    for line, kept, n_breaks in zip(lines, keep, breaks, strict=True):
        if not kept or not line:
            carried += n_breaks
            if kept and not line and out and out[-1]:
                out.append("")  # a blank line (collapsed runs, no leading blanks)
            continue
        if carried:
            line = _PAGE_BREAK * carried + line
            carried = 0
        out.append(line)
    while out and not out[-1]:
        out.pop()
    if carried and out:
        out[-1] += _PAGE_BREAK * carried  # trailing empty pages still count
    return "\n".join(out)


def _rstrip(line: str) -> str:
    """Strip trailing whitespace but not page breaks."""
    end = len(line)
    while end and line[end - 1].isspace() and line[end - 1] != _PAGE_BREAK:
        end -= 1
    return line[:end]


def _remove_inline_artefacts(line: str) -> str:
    for pattern in INLINE_ARTEFACTS:
        line = pattern.sub("", line)
    return line


def _block_followers(lines: list[str], start: int, rule: LineRule) -> list[int]:
    """Indexes of the non-blank lines right after ``start`` that match the rule's followers."""
    assert rule.followers is not None
    found: list[int] = []
    for j in range(start + 1, len(lines)):
        stripped = lines[j].replace(_PAGE_BREAK, "").strip()
        if not stripped:
            continue
        if not rule.followers.fullmatch(stripped):
            break
        found.append(j)
    return found
