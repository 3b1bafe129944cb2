"""Staff accounts: bcrypt password hashes, account rules, sign-in, and the session secret.

Passwords are SHA-256'd and base64-encoded before bcrypt (bcrypt reads at most 72 bytes and
bcrypt>=5 refuses longer input; an Arabic passphrase reaches 72 bytes at 36 letters), so every
character of a long passphrase counts. Unknown usernames are checked against a dummy hash so a
failed sign-in takes the same time whether or not the account exists.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest, NotFound
from assistant.store.models import StaffSession, StaffUser, utcnow

log = logging.getLogger(__name__)

ROLES = ("reviewer", "admin")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
BCRYPT_ROUNDS = 12  # ~0.25 s per hash on a 2-core machine; tests lower it
SECRET_KEY_ENV = "ASSISTANT_SECRET_KEY"
SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class Staff:
    """A signed-in (or listed) staff member; never carries the password hash out of this module
    except as a short fingerprint used to end sessions when the password changes."""

    id: str
    username: str
    role: str
    created_at: datetime | None
    fingerprint: str
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _prepare(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prepare(password), password_hash.encode("ascii"))
    except ValueError:  # a malformed stored hash never signs anyone in
        return False


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("ascii")).hexdigest()[:16]


def _staff(record: StaffUser) -> Staff:
    return Staff(
        record.id,
        record.username,
        record.role,
        record.created_at,
        fingerprint(record.password_hash),
        bool(record.disabled),
    )


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise InvalidRequest(
            "The username must be 3 to 64 characters: Latin letters, digits and . _ @ - "
            "(starting with a letter or digit)."
        )
    return name


def check_password(password: str, username: str = "") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise InvalidRequest(f"The password must be at least {MIN_PASSWORD_CHARS} characters long.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidRequest(f"The password must be at most {MAX_PASSWORD_CHARS} characters long.")
    if not password.strip():
        raise InvalidRequest("The password cannot be only spaces.")
    if len(set(password)) < 4:
        raise InvalidRequest("The password must use at least 4 different characters.")
    if username and password.strip().lower() == normalise_username(username):
        raise InvalidRequest("The password must not be the username.")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRequest(f"The role must be one of: {', '.join(ROLES)}.")
    return role


def create_user(sessions: sessionmaker, username: str, password: str, role: str = "reviewer") -> Staff:
    """Create an account; raises InvalidRequest with a readable reason when a rule is broken."""
    name = check_username(username)
    check_role(role)
    check_password(password, name)
    record = StaffUser(username=name, password_hash=hash_password(password), role=role)
    try:
        with sessions.begin() as session:
            exists = session.scalar(
                select(func.count()).select_from(StaffUser).where(StaffUser.username == name)
            )
            if exists:
                raise InvalidRequest(f"An account named '{name}' already exists.")
            session.add(record)
            session.flush()
            staff = _staff(record)
    except IntegrityError as exc:  # created concurrently
        raise InvalidRequest(f"An account named '{name}' already exists.") from exc
    log.info("staff account created: %r role=%s", name, role)
    return staff


def _account(session, username: str) -> StaffUser:
    name = normalise_username(username)
    record = session.scalar(select(StaffUser).where(StaffUser.username == name))
    if record is None:
        raise NotFound(f"No account named '{name[:64]}'.")
    return record


def set_password(sessions: sessionmaker, username: str, password: str) -> None:
    """A new password; every open session of the account ends."""
    name = normalise_username(username)
    check_password(password, name)
    with sessions.begin() as session:
        record = _account(session, name)
        record.password_hash = hash_password(password)
        session.execute(delete(StaffSession).where(StaffSession.user_id == record.id))
    log.info("staff password changed: %r", name)


def set_disabled(sessions: sessionmaker, username: str, disabled: bool = True) -> Staff:
    """Disable an account (it cannot sign in and its open sessions end) or enable it again."""
    with sessions.begin() as session:
        record = _account(session, username)
        record.disabled = disabled
        if disabled:
            session.execute(delete(StaffSession).where(StaffSession.user_id == record.id))
        staff = _staff(record)
    log.info("staff account %s: %r", "disabled" if disabled else "enabled", staff.username)
    return staff


def set_role(sessions: sessionmaker, username: str, role: str) -> Staff:
    """Change an account's role; it applies to its open sessions at their next request."""
    check_role(role)
    with sessions.begin() as session:
        record = _account(session, username)
        record.role = role
        staff = _staff(record)
    log.info("staff role changed: %r -> %s", staff.username, role)
    return staff


# --- server-side sessions: the cookie carries a random id; deleting the row ends the session -----
def start_session(sessions: sessionmaker, user_id: str, max_age_seconds: int) -> str:
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with sessions.begin() as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now))  # tidy expired ones
        session.add(
            StaffSession(
                id=session_id,
                user_id=user_id,
                created_at=now,
                expires_at=now + timedelta(seconds=max_age_seconds),
            )
        )
    return session_id


def session_user(sessions: sessionmaker, session_id: str) -> Staff | None:
    """The account of a live session (not ended, not expired, account not disabled), else None."""
    if not session_id or len(session_id) > 64:
        return None
    with sessions() as session:
        record = session.scalar(
            select(StaffUser)
            .join(StaffSession, StaffSession.user_id == StaffUser.id)
            .where(StaffSession.id == session_id, StaffSession.expires_at > utcnow())
        )
        if record is None or record.disabled:
            return None
        return _staff(record)


def end_session(sessions: sessionmaker, session_id: str) -> None:
    if session_id:
        with sessions.begin() as session:
            session.execute(delete(StaffSession).where(StaffSession.id == session_id))


def end_sessions(sessions: sessionmaker, user_id: str) -> int:
    with sessions.begin() as session:
        return session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount


def authenticate(sessions: sessionmaker, username: str, password: str) -> Staff | None:
    """The account when the password matches, else None (same work either way)."""
    name = normalise_username(username)
    if not name or not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        verify_password("x" * MIN_PASSWORD_CHARS, _dummy_hash())
        return None
    with sessions() as session:
        record = session.scalar(select(StaffUser).where(StaffUser.username == name))
    if record is None:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, record.password_hash) or record.disabled:
        return None
    return _staff(record)


def get_user(sessions: sessionmaker, user_id: str) -> Staff | None:
    with sessions() as session:
        record = session.get(StaffUser, user_id)
        return _staff(record) if record is not None else None


def list_users(sessions: sessionmaker) -> list[Staff]:
    with sessions() as session:
        return [_staff(r) for r in session.scalars(select(StaffUser).order_by(StaffUser.username))]


def usernames(sessions: sessionmaker, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    with sessions() as session:
        rows = session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids)))
        return {row.id: row.username for row in rows}


def secret_key(data_dir: Path, configured: str | None = None) -> str:
    """The key that signs staff session cookies: the setting ASSISTANT_SECRET_KEY when given, else a
    random key kept in DATA_DIR/secret_key (created with mode 0600 on first use)."""
    configured = configured or ""
    if configured.strip():
        if len(configured.strip()) < 32:
            log.warning("%s is shorter than 32 characters; use a long random value", SECRET_KEY_ENV)
        return configured.strip()
    path = Path(data_dir) / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(20):  # another process may be writing it right now
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.05)
        raise InvalidRequest(
            f"{path} is empty; delete it (a new key is made) or set {SECRET_KEY_ENV}."
        ) from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    log.info("created a new session secret key in %s", path)
    return key
