"""Dependencies: the one ``Assistant`` built in the lifespan reaches routes through Depends."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.chat.service import Assistant


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
