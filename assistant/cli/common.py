"""What the command modules share: the settings, the objects a command opens, and the error exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from assistant.chat.service import Assistant
    from assistant.store.stores import Stores


def settings() -> Settings:
    return get_settings()


def open_assistant() -> Assistant:
    from assistant.chat.service import Assistant

    return Assistant(settings())


def open_stores() -> Stores:
    from assistant.store.stores import Stores

    return Stores.open(settings())


def open_sessions() -> sessionmaker:
    """The SQL database alone (staff accounts, retention): no model, no Chroma."""
    from assistant.store.database import make_engine, make_sessionmaker, sqlite_url

    config = settings()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return make_sessionmaker(make_engine(config.database_url or sqlite_url(config.data_dir)))


def fail(exc: AssistantError) -> None:
    typer.echo(f"error: {exc.message}", err=True)
    raise typer.Exit(code=2)
