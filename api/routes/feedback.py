from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.ratelimit import rate_limit
from api.schemas import RequestModel, error_responses

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[Depends(rate_limit)])


class FeedbackRequest(RequestModel):
    answer_id: str = Field(..., min_length=1, max_length=64)
    rating: Literal[1, -1]
    reason: Literal["wrong", "incomplete", "no_source", "other"] | None = None
    comment: str | None = Field(None, max_length=2000)


class FeedbackResponse(BaseModel):
    feedback_id: str


@router.post(
    "/feedback", response_model=FeedbackResponse, responses=error_responses(403, 404, 413, 422, 429, 503)
)
async def feedback(body: FeedbackRequest, request: Request, assistant: AssistantDep) -> FeedbackResponse:
    feedback_id = await run_in_threadpool(
        assistant.feedback.add,
        body.answer_id,
        body.rating,
        body.reason,
        body.comment,
        origin=request.headers.get("origin"),
    )
    return FeedbackResponse(feedback_id=feedback_id)
