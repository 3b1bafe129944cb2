"""`assistant staff …`: create and list staff accounts for the review and evaluation pages."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.cli import common
from assistant.errors import AssistantError

staff_app = typer.Typer(
    no_args_is_help=True, help="Staff accounts (review queue, datasets, evaluation runs)."
)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            typer.echo("error: no password on standard input.", err=True)
            raise typer.Exit(code=2)
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Sign-in name (Latin letters, digits, . _ @ -).")],
    role: Annotated[
        str, typer.Option("--role", help="reviewer (review, promote) or admin (also datasets, runs).")
    ] = "reviewer",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
) -> None:
    """Create a staff account. The password (at least 10 characters) is asked for without echo."""
    from assistant.staff.accounts import check_password, check_role, check_username, create_user

    try:  # check what can be checked before asking for the password
        check_username(username)
        check_role(role)
        password = _read_password(password_stdin)
        check_password(password, username)
        staff = create_user(common.open_sessions(), username, password, role)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(f"created {staff.role} '{staff.username}'")


@staff_app.command("set-password")
def set_password_command(
    username: Annotated[str, typer.Argument(help="The account's sign-in name.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
) -> None:
    """Give an account a new password (its open sessions end)."""
    from assistant.staff.accounts import check_password, set_password

    try:
        password = _read_password(password_stdin)
        check_password(password, username)
        set_password(common.open_sessions(), username, password)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(f"password changed for '{username.strip().lower()}'")


@staff_app.command("disable")
def disable_command(username: Annotated[str, typer.Argument(help="The account's sign-in name.")]) -> None:
    """Disable an account: it can no longer sign in and its open sessions end at once."""
    from assistant.staff.accounts import set_disabled

    try:
        staff = set_disabled(common.open_sessions(), username, True)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(f"disabled '{staff.username}'")


@staff_app.command("enable")
def enable_command(username: Annotated[str, typer.Argument(help="The account's sign-in name.")]) -> None:
    """Enable a disabled account again."""
    from assistant.staff.accounts import set_disabled

    try:
        staff = set_disabled(common.open_sessions(), username, False)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(f"enabled '{staff.username}'")


@staff_app.command("set-role")
def set_role_command(
    username: Annotated[str, typer.Argument(help="The account's sign-in name.")],
    role: Annotated[str, typer.Argument(help="reviewer or admin.")],
) -> None:
    """Change an account's role."""
    from assistant.staff.accounts import set_role

    try:
        staff = set_role(common.open_sessions(), username, role)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(f"'{staff.username}' is now {staff.role}")


@staff_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
) -> None:
    """List staff accounts (username, role, creation date)."""
    from assistant.staff.accounts import list_users

    users = list_users(common.open_sessions())
    rows = [
        {
            "username": u.username,
            "role": u.role,
            "created_at": u.created_at.isoformat() if u.created_at else None,
            "disabled": u.disabled,
        }
        for u in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no staff accounts yet; create one with: assistant staff create NAME --role admin")
        return
    for row in rows:
        state = "  disabled" if row["disabled"] else ""
        typer.echo(f"{row['username']:<32} {row['role']:<9} {(row['created_at'] or '')[:19]}{state}")
