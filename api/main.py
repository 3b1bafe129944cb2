"""Builds the FastAPI app. The heavy ``Assistant`` is created once, in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.docs_ui import install_docs
from api.errors import install_error_handlers
from api.limits import STAFF_UPLOAD_BYTES, RequestSizeLimit, documents_upload_bytes
from api.origins import install_origin_policy
from api.ratelimit import RateLimiter
from api.retention_job import retention_job
from api.routes import chat, documents, feedback, health, openai_compat, search, widget
from api.security_headers import SecurityHeaders
from api.staff import install_staff
from assistant import __version__
from assistant.chat.service import Assistant
from assistant.config import Settings, get_settings, server_options  # noqa: F401 (re-exported)


def serving_settings(config: Settings) -> Settings:
    """The settings the server's Assistant runs with: ``encoder_threads`` 0 (auto) becomes 1, so
    concurrent requests each encode on a core of their own instead of all sharing every core
    (measured: p95 x0.89 at 8 clients, x1.24 for a lone client; docs/performance.md)."""
    if config.encoder_threads == 0:
        return config.model_copy(update={"encoder_threads": 1})
    return config


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant or Assistant(serving_settings(config))
        async with retention_job(app.state.assistant, config.retention_days):
            yield

    config = settings or (assistant.settings if assistant else get_settings())
    app = FastAPI(
        title="Strong Cities Network assistant",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served by api/docs_ui.py from local files, not a CDN
        redoc_url=None,
    )
    install_docs(app)
    install_error_handlers(app)
    install_origin_policy(app, config.allowed_origins)
    app.state.rate_limiter = RateLimiter(
        per_ip=config.rate_limit_per_ip,
        per_origin=config.rate_limit_per_origin,
        storage_uri=config.rate_limit_storage,
        origin_share=config.rate_limit_origin_share,
    )
    app.add_middleware(
        RequestSizeLimit,
        default_bytes=config.max_request_kb * 1024,
        overrides={"/staff/": STAFF_UPLOAD_BYTES, "/staff/documents/upload": documents_upload_bytes(config)},
    )
    for module in (chat, openai_compat, feedback, search, documents, health, widget):
        app.include_router(module.router)
    install_staff(app, config)  # /staff: review queue, datasets, evaluation runs (docs/staff.md)
    app.add_middleware(SecurityHeaders)  # outermost: fills in only the headers nothing else set
    return app
