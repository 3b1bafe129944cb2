"""Server-side rendering of staff pages (Jinja2, autoescape on for every template)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from api.staff.i18n import DEFAULT_LANG, metric_name, pick_lang, translate, translate_error
from api.staff.security import csrf_token
from assistant.text.safety import clean_for_display

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

def _displayable(value: Any) -> Any:
    if isinstance(value, Markup):  # already-escaped HTML (the charts): removing characters keeps it safe
        return Markup(clean_for_display(str(value)))
    return clean_for_display(value) if isinstance(value, str) else value


env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,  # every template, whatever its extension
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # every printed value goes through the one sanitiser, so text stored before it (or by any other
    # path) cannot carry control or bidi-override characters onto a staff page
    finalize=lambda value: _displayable(value),
)


def _fmt_dt(value: datetime | str | None) -> Markup | str:
    """A stored time (UTC) as ``<time dir="ltr">2026-12-02 09:30 UTC</time>``: the zone is named,
    and the LTR isolate keeps bidi from reordering the date and the time inside Arabic text."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value[:16].replace("T", " ")
    if value.tzinfo is None:  # SQLite returns the stored UTC time without its zone
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    shown = value.strftime("%Y-%m-%d %H:%M") + " UTC"
    stamp = value.isoformat(timespec="seconds")
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(stamp, shown)


def _fmt_num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _fmt_delta(value: Any) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    if abs(value) < 5e-4:
        return "0"
    return f"{value:+.3f}"


env.filters["dt"] = _fmt_dt
env.filters["delta"] = _fmt_delta
env.filters["num"] = _fmt_num


_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


def text_lang(text: object) -> str:
    """The language of a stored text for its lang attribute: "ar" when Arabic letters are at least a
    third of its letters, "en" when Latin ones dominate, "" (unknown) without letters."""
    sample = str(text or "")[:400]
    arabic, latin = len(_ARABIC.findall(sample)), len(_LATIN.findall(sample))
    if not arabic and not latin:
        return ""
    return "ar" if arabic * 3 >= arabic + latin else "en"


def _lang_attrs(lang: str) -> Markup:
    return Markup(f'lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"')


def lang_of(request: Request) -> str:
    """?lang=ar|en switches the language and the session remembers it."""
    chosen = pick_lang(request.query_params.get("lang"))
    if chosen:
        if request.session.get("lang") != chosen:
            request.session["lang"] = chosen
        return chosen
    return pick_lang(request.session.get("lang")) or DEFAULT_LANG


def flash(request: Request, key: str, kind: str = "ok", extra: str = "") -> None:
    """A one-shot message shown on the next page (stored as an i18n key plus optional text)."""
    messages = request.session.get("flash", [])[-3:]
    messages.append([kind, key, extra[:300]])
    request.session["flash"] = messages


def url_with(request: Request, **params: Any) -> str:
    query = dict(request.query_params)
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return request.url.path + ("?" + urlencode(query) if query else "")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    messages = request.session.pop("flash", []) if "flash" in request.session else []
    base = {
        "request": request,
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "back_arrow": "→" if lang == "ar" else "←",  # points towards the start of the line
        "t": lambda key: translate(key, lang),
        "user": getattr(request.state, "staff", None),
        "csrf_token": csrf_token(request),
        "nonce": getattr(request.state, "csp_nonce", ""),
        "flashes": [(kind, translate(key, lang), extra) for kind, key, extra in messages],
        "other_lang_url": url_with(request, lang="en" if lang == "ar" else "ar"),
        "url_with": lambda **params: url_with(request, **params),
        # errors from the stores are English: translated where known, else marked lang="en"
        "error_text": lambda message: translate_error(message, lang)[0],
        "error_attrs": lambda message: _lang_attrs(translate_error(message, lang)[1]),
        "metric_name": lambda key: metric_name(key, lang),
        "text_lang": text_lang,
        "path": request.url.path,
    }
    base.update(context)
    html = env.get_template(template).render(**base)
    return HTMLResponse(html, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
