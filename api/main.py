"""Builds the FastAPI app. The heavy ``Assistant`` is created once, in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.origins import install_origin_policy
from api.routes import chat, documents, feedback, health, openai_compat, search, widget
from assistant import __version__
from assistant.config import Settings, get_settings
from assistant.service import Assistant


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant or Assistant(config)
        yield

    config = settings or (assistant.settings if assistant else get_settings())
    app = FastAPI(title="Strong Cities Network assistant", version=__version__, lifespan=lifespan)
    install_error_handlers(app)
    install_origin_policy(app, config.allowed_origins)
    for module in (chat, openai_compat, feedback, search, documents, health, widget):
        app.include_router(module.router)
    return app
