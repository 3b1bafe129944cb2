"""Usage and content gaps (/staff/insights): figures over a period with charts and a CSV of the daily
figures; the refused and thumbs-down questions grouped by topic, and "mark covered" (admins)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.staff.charts import bar_chart, daily_bars
from api.staff.exports import download
from api.staff.i18n import translate
from api.staff.render import flash, lang_of, redirect, render
from api.staff.security import AdminDep, UserDep, staff_router
from assistant.chat.service import Assistant
from assistant.errors import AssistantError, InvalidRequest
from assistant.staff.accounts import usernames
from assistant.staff.gaps import MAX_CHECK, check_group, content_gaps
from assistant.staff.insights import DAILY_COLUMNS, Period, usage
from assistant.store.models import GapCheck
from assistant.text.language_mix import LANGUAGES

log = logging.getLogger("api.staff")
router = staff_router()

ANSWERED, REFUSED = "#047857", "#b45309"  # green and amber with 4.5:1 contrast on white


def _period(request: Request) -> tuple[Period, str | None, dict[str, str]]:
    """The period of the query string (default: the last 30 days); a bad value is named, not fatal."""
    form = {k: (request.query_params.get(k) or "").strip()[:20] for k in ("date_from", "date_to")}
    try:
        return Period.parse(form["date_from"], form["date_to"]), None, form
    except InvalidRequest as exc:
        return Period.last_days(), exc.message, form


def _period_query(period: Period) -> str:
    return urlencode({"date_from": period.start.isoformat(), "date_to": period.end.isoformat()})


def _shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: count / total for key, count in counts.items()} if total else {}


@router.get("/insights")
def usage_page(request: Request, user: UserDep) -> Response:
    assistant: Assistant = request.app.state.assistant
    lang = lang_of(request)
    period, error, form = _period(request)
    figures = usage(assistant.sessions, period)
    t = lambda key: translate(key, lang)  # noqa: E731
    reason_names = {r: t(f"refusal_{r}") for r, _ in figures.refusal_reasons}
    language_names = {code: t(f"lang_{code}") for code in LANGUAGES}
    return render(
        request,
        "staff/insights.html",
        tab="usage",
        period=period,
        form=form,
        error=error,
        figures=figures,
        period_query=_period_query(period),
        titles=assistant.retriever.titles,
        reason_names=reason_names,
        language_names=language_names,
        daily_chart=daily_bars(
            figures.daily,
            [("answered", ANSWERED), ("refused", REFUSED)],
            title=t("chart_daily"),
            labels={"answered": t("answered"), "refused": t("refused_plural")},
            empty=t("chart_no_data"),
        ),
        reasons_chart=bar_chart(
            [r for r, _ in figures.refusal_reasons],
            [(t("share_of_refusals"), _shares(dict(figures.refusal_reasons)))],
            title=t("refusal_reasons"),
            labels=reason_names,
            empty=t("chart_no_data"),
            testid="chart-reasons",
        ),
        languages_chart=bar_chart(
            list(LANGUAGES),
            [(t("share_of_questions"), _shares(figures.languages))],
            title=t("language_mix"),
            labels=language_names,
            empty=t("chart_no_data"),
            testid="chart-languages",
        ),
    )


@router.get("/insights/export")
def export_daily(request: Request, user: UserDep, fmt: str = "csv") -> Response:
    """The daily figures of the period (no question text), as CSV or JSON Lines."""
    assistant: Assistant = request.app.state.assistant
    period, error, _ = _period(request)
    if error:
        raise InvalidRequest(error)
    figures = usage(assistant.sessions, period)
    name = f"insights-{period.start.isoformat()}-{period.end.isoformat()}"
    return download(figures.daily, DAILY_COLUMNS, fmt, name)


@router.get("/insights/gaps")
def gaps_page(request: Request, user: UserDep) -> Response:
    assistant: Assistant = request.app.state.assistant
    period, error, form = _period(request)
    settings = assistant.settings
    assistant.refresh()
    gaps = content_gaps(
        assistant.sessions,
        assistant.embedder,
        lambda question, k, vector: assistant.retriever.search(question, k, query_vector=vector),
        period,
        settings.retention_days,
    )
    with assistant.sessions() as session:
        checks = list(session.scalars(select(GapCheck).order_by(GapCheck.created_at.desc()).limit(20)))
    return render(
        request,
        "staff/insights_gaps.html",
        tab="gaps",
        period=period,
        form=form,
        error=error,
        gaps=gaps,
        checks=checks,
        checkers=usernames(assistant.sessions, {c.checked_by for c in checks if c.checked_by}),
        titles=assistant.retriever.titles,
        period_query=_period_query(period),
        retention_days=settings.retention_days,
        max_check=MAX_CHECK,
    )


@router.post("/insights/gaps/check")
async def mark_covered(
    request: Request, user: AdminDep, date_from: str = Form(""), date_to: str = Form("")
) -> Response:
    """Re-ask the group's questions through the answering pipeline; the result is stored and shown."""
    assistant: Assistant = request.app.state.assistant
    answer_ids = [str(v) for v in (await request.form()).getlist("answer_ids")]
    back = "/staff/insights/gaps?" + urlencode({"date_from": date_from[:20], "date_to": date_to[:20]})
    try:
        check = await run_in_threadpool(
            check_group,
            assistant.sessions,
            answer_ids[: MAX_CHECK + 1],
            lambda question: assistant.answer(question)[0],
            assistant.settings.retention_days,
            user.id,
        )
    except AssistantError as exc:
        flash(request, "gap_check_failed", "error", exc.message)
        return redirect(back)
    flash(request, "gap_checked", extra=f"{check.answered} / {check.asked}")
    return redirect(back + f"#check-{check.id}")
