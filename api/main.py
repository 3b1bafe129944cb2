"""Builds the FastAPI app. The heavy ``Assistant`` is created once, in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import chat, documents, health, openai_compat, search
from assistant import __version__
from assistant.config import Settings, get_settings
from assistant.service import Assistant


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant or Assistant(settings or get_settings())
        yield

    app = FastAPI(title="Strong Cities Network assistant", version=__version__, lifespan=lifespan)
    install_error_handlers(app)
    for module in (chat, openai_compat, search, documents, health):
        app.include_router(module.router)
    return app
