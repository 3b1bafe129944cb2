"""Staff accounts in the browser (admins): list, create, change role, disable/enable, reset a
password. The same rules as the CLI (assistant/staff/accounts.py); disabling an account or giving it a
new password ends its open sessions at once. An admin cannot disable or demote their own account
(the last way in could be lost)."""

from __future__ import annotations

import logging

from fastapi import Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.staff.render import flash, redirect, render
from api.staff.security import AdminDep, staff_router
from assistant.errors import InvalidRequest
from assistant.staff.accounts import (
    MAX_PASSWORD_CHARS,
    ROLES,
    create_user,
    list_users,
    normalise_username,
    set_disabled,
    set_password,
    set_role,
)

log = logging.getLogger("api.staff")
router = staff_router()


def accounts_page(request: Request, status_code: int = 200, error: str | None = None, form=None) -> Response:
    users = list_users(request.app.state.assistant.sessions)
    return render(
        request, "staff/accounts.html", status_code, accounts=users, roles=ROLES, error=error, form=form or {}
    )


def _not_self(user, username: str, what: str) -> None:
    if normalise_username(username) == user.username:
        raise InvalidRequest(f"You cannot {what} your own account.")


def _check_confirmation(password: str, confirm: str) -> None:
    if password != confirm:
        raise InvalidRequest("The two passwords differ.")


@router.get("/accounts")
def list_page(request: Request, user: AdminDep) -> Response:
    return accounts_page(request)


@router.post("/accounts")
async def create(
    request: Request,
    user: AdminDep,
    username: str = Form("", max_length=200),
    role: str = Form("reviewer", max_length=20),
    password: str = Form("", max_length=MAX_PASSWORD_CHARS + 1),
    confirm: str = Form("", max_length=MAX_PASSWORD_CHARS + 1),
) -> Response:
    sessions = request.app.state.assistant.sessions
    try:
        _check_confirmation(password, confirm)
        created = await run_in_threadpool(create_user, sessions, username, password, role)
    except InvalidRequest as exc:
        return accounts_page(request, 422, exc.message, {"username": username, "role": role})
    log.info("staff account %r created by %r", created.username, user.username)
    flash(request, "account_created", extra=created.username)
    return redirect("/staff/accounts")


@router.post("/accounts/{username}/role")
def change_role(
    request: Request, username: str, user: AdminDep, role: str = Form("", max_length=20)
) -> Response:
    try:
        if role != "admin":
            _not_self(user, username, "demote")
        changed = set_role(request.app.state.assistant.sessions, username[:120], role)
    except InvalidRequest as exc:
        return accounts_page(request, 422, exc.message)
    log.info("staff role of %r set to %s by %r", changed.username, changed.role, user.username)
    flash(request, "account_role_changed", extra=changed.username)
    return redirect("/staff/accounts")


@router.post("/accounts/{username}/disable")
def disable(request: Request, username: str, user: AdminDep) -> Response:
    try:
        _not_self(user, username, "disable")
        changed = set_disabled(request.app.state.assistant.sessions, username[:120], True)
    except InvalidRequest as exc:
        return accounts_page(request, 422, exc.message)
    log.info("staff account %r disabled by %r", changed.username, user.username)
    flash(request, "account_disabled", extra=changed.username)
    return redirect("/staff/accounts")


@router.post("/accounts/{username}/enable")
def enable(request: Request, username: str, user: AdminDep) -> Response:
    changed = set_disabled(request.app.state.assistant.sessions, username[:120], False)
    log.info("staff account %r enabled by %r", changed.username, user.username)
    flash(request, "account_enabled", extra=changed.username)
    return redirect("/staff/accounts")


@router.post("/accounts/{username}/password")
async def reset_password(
    request: Request,
    username: str,
    user: AdminDep,
    password: str = Form("", max_length=MAX_PASSWORD_CHARS + 1),
    confirm: str = Form("", max_length=MAX_PASSWORD_CHARS + 1),
) -> Response:
    try:
        _check_confirmation(password, confirm)
        await run_in_threadpool(set_password, request.app.state.assistant.sessions, username[:120], password)
    except InvalidRequest as exc:
        return accounts_page(request, 422, exc.message)
    name = normalise_username(username)
    log.info("staff password of %r reset by %r", name, user.username)
    if name == user.username:  # their own sessions, this one included, have ended
        return redirect("/staff/login")
    flash(request, "account_password_reset", extra=name)
    return redirect("/staff/accounts")
