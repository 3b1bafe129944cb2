"""SQL engine and sessions (SQLite in the data directory by default, any SQLAlchemy URL otherwise).

The schema is created and upgraded by Alembic migrations (assistant/store/migrations).

A database that cannot be reached (PostgreSQL down, restarting, network cut) raises
``StoreUnavailable`` (HTTP 503) instead of a driver error: the engine's ``handle_error`` hook
converts connection failures, and ``database_unavailable`` maps any other ``OperationalError`` /
``InterfaceError`` for the API's error handler. ``pool_pre_ping`` replaces the pooled connections
that died with the server, so the assistant recovers by itself when the database is back.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from assistant.errors import AssistantError, StoreUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 7_302_215_001  # PostgreSQL advisory lock id held while migrating


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database}"
    return f"the {parsed.get_backend_name()} database at {parsed.host or 'localhost'}:{parsed.port or ''}"


def unavailable_message(where: str, exc: BaseException) -> str:
    return (
        f"The database ({where}) cannot be reached ({type(exc).__name__}). "
        "The assistant reconnects by itself when it is back; try again shortly."
    )


def database_unavailable(
    exc: BaseException, where: str = "the configured SQL database"
) -> StoreUnavailable | None:
    """The 503 for a database error that means "cannot reach the database", else None.

    For the API's error handler (OperationalError / InterfaceError, e.g. SQLite "database is
    locked" or a connection lost mid-query that the engine hook did not already convert)."""
    if isinstance(exc, StoreUnavailable):
        return exc
    if isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return StoreUnavailable(unavailable_message(where, getattr(exc, "orig", None) or exc))
    return None


def create_private_sqlite_file(url: str) -> None:
    """Create a new SQLite database file readable by its owner only (0600): it holds the questions
    people asked. SQLite gives its -wal and -shm files the database file's permissions."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process created it first
        pass


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    where = _where(url)

    @event.listens_for(engine, "handle_error")
    def _unreachable(context: ExceptionContext) -> None:
        # Connection failures (no connection yet, or one the driver reports as dead) become a 503.
        # Pre-ping failures are left alone: the pool then opens a new connection.
        if context.is_pre_ping:
            return
        if context.connection is None or context.is_disconnect:
            raise StoreUnavailable(unavailable_message(where, context.original_exception))

    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database). Processes
    that start at once take turns: PostgreSQL with an advisory lock, a SQLite file with a file lock
    next to it (SQLite's own locking does not cover Alembic's look-then-create)."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        from filelock import FileLock

        with FileLock(f"{database}.migrate.lock"):
            _migrate(engine)
    else:
        _migrate(engine)


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers start at once: one migrates, the others wait and then find it done.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        tables = set(inspect(connection).get_table_names())
        if tables and "alembic_version" not in tables:
            raise AssistantError(
                "The database was created by a development version without migrations. Move the data "
                "directory aside (nothing else reads it) and run `assistant ingest` again."
            )
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'assistant.db'}"


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
