"""Errors with messages meant for users, each with an HTTP status and a stable code."""

from __future__ import annotations


class AssistantError(Exception):
    code = "assistant_error"
    status_code = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidRequest(AssistantError):
    code = "invalid_request"
    status_code = 422


class IndexNotReady(AssistantError):
    code = "index_not_ready"
    status_code = 503

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "No documents have been ingested yet. Run `assistant ingest` (or `make run`) and try again."
        )


class DocumentLoadError(AssistantError):
    """A file could not be read; ingestion reports it by name and goes on."""

    code = "document_unreadable"
    status_code = 422


class ModelUnavailable(AssistantError):
    code = "model_unavailable"
    status_code = 503


class NotFound(AssistantError):
    code = "not_found"
    status_code = 404


class StoreUnavailable(AssistantError):
    """The Chroma server or the SQL database cannot be reached right now (retry later; the
    assistant reconnects by itself when it is back)."""

    code = "store_unavailable"
    status_code = 503


class DiskFull(AssistantError):
    code = "disk_full"
    status_code = 507


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from the OS, or SQLite's (Chroma's or ours) "database or disk is full"."""
    import errno

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if "disk is full" in str(exc).lower() or "no space left" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


class IndexBusy(AssistantError):
    """Another process (an `assistant ingest`, or the server's upload worker) is writing the index."""

    code = "index_busy"
    status_code = 409
