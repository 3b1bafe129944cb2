"""Text that cannot be encoded, and the one sanitiser for every stored text field (issue 15).

Fast fake embedder; real SQLite and Chroma; the staff pages through TestClient."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from assistant.chat.followups import QuestionRewriter
from assistant.chat.service import Assistant
from assistant.staff import accounts as staff_auth
from assistant.store.models import AnswerRecord, FeedbackRecord
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, sign_in

SURROGATE = '"abc \\ud800 def"'  # JSON allows the escape; the string cannot be encoded as UTF-8
HOSTILE = "أمر\u202eخطير\u0007 \u2066مخفي\u2069 نهاية\u200f"  # override, bell, isolate; RLM is kept
CLEAN = "أمرخطير مخفي نهاية\u200f"


class EchoRewriter(QuestionRewriter):
    """Rewrites a follow-up the way an LLM might: quoting the previous question."""

    def rewrite(self, question, history):
        return f"{question} ({history[-1].question})" if history else question


@pytest.fixture
def assistant(settings, fake_embedder, corpus_copy):
    settings.refusal_threshold = 0.0
    a = Assistant(settings, embedder=fake_embedder, rewriter=EchoRewriter())
    ingest_into(a, corpus_copy, progress=False)
    staff_auth.create_user(a.sessions, *ADMIN, role="admin")
    return a


@pytest.fixture
def client(assistant, monkeypatch):
    monkeypatch.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
    with TestClient(create_app(assistant=assistant), raise_server_exceptions=False) as client:
        yield client


def post_raw(client, path: str, body: str):
    return client.post(path, content=body.encode("utf-8"), headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/chat", '{"message": @S}'),
        ("/v1/chat", '{"message": @S, "stream": true}'),
        ("/v1/chat", '{"message": "سؤال", "conversation_id": @S}'),
        ("/v1/search", '{"query": @S, "k": 3}'),
        ("/v1/chat/completions", '{"messages": [{"role": "user", "content": @S}]}'),
        (
            "/v1/chat/completions",
            '{"messages": [{"role": "user", "content": @S}, {"role": "assistant", "content": "x"},'
            ' {"role": "user", "content": "وماذا بعد؟"}]}',
        ),
        (
            "/v1/chat/completions",
            '{"messages": [{"role": "user", "content": [{"type": "text", "text": @S}]}]}',
        ),
        ("/v1/feedback", '{"answer_id": "x", "rating": -1, "comment": @S}'),
    ],
)
def test_a_lone_surrogate_is_a_422_with_a_clear_message(client, assistant, path, body):
    response = post_raw(client, path, body.replace("@S", SURROGATE))
    assert response.status_code == 422, response.text
    payload = response.json()
    if path == "/v1/chat/completions":  # OpenAI's error shape there
        message, code = payload["error"]["message"], payload["error"]["code"]
    else:
        message, code = payload["message"], payload["error"]
    assert code == "invalid_request"
    assert "surrogate" in message and "UTF-8" in message
    with assistant.sessions() as session:
        assert session.query(AnswerRecord).count() == 0


def test_the_cli_path_refuses_a_surrogate_too(assistant):
    from assistant.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="surrogate"):
        assistant.answer("abc \ud800")


def test_feedback_comments_are_stored_through_the_sanitiser(client, assistant):
    answer_id = client.post("/v1/chat", json={"message": "القمة العالمية الخامسة"}).json()["answer_id"]
    response = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": -1, "comment": HOSTILE})
    assert response.status_code == 200
    (stored,) = assistant.feedback.for_answer(answer_id)
    assert stored.comment == CLEAN


def test_earlier_chat_completion_messages_are_sanitised_before_they_reach_storage(client, assistant):
    body = {
        "messages": [
            {"role": "user", "content": f"أين عقدت القمة {HOSTILE}"},
            {"role": "assistant", "content": "في كيب تاون."},
            {"role": "user", "content": "ومتى؟"},
        ]
    }
    for stream in (False, True):
        response = client.post("/v1/chat/completions", json={**body, "stream": stream})
        assert response.status_code == 200, response.text
    with assistant.sessions() as session:
        records = session.query(AnswerRecord).all()
    assert len(records) == 2
    for record in records:
        assert f"أين عقدت القمة {CLEAN}" in record.standalone_question  # the rewrite quoted the history
        for char in "\u202e\u0007\u2066\u2069":
            assert char not in record.standalone_question and char not in record.question


def test_staff_review_text_and_dataset_rows_are_sanitised(client, assistant):
    from assistant.eval.datasets import DatasetStore

    answer_id = client.post("/v1/chat", json={"message": "القمة العالمية الخامسة"}).json()["answer_id"]
    token = sign_in(client, ADMIN)
    response = client.post(
        f"/staff/review/{answer_id}",
        data={"rating": "0", "comment": HOSTILE, "correction": HOSTILE, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with assistant.sessions() as session:
        review = session.query(FeedbackRecord).filter_by(source="staff").one()
    assert (review.comment, review.correction) == (CLEAN, CLEAN)
    store = DatasetStore(assistant.sessions)
    dataset = store.create(f"d {HOSTILE}", HOSTILE)
    assert (dataset.name, dataset.description) == (f"d {CLEAN}", CLEAN)
    row = store.add_row(dataset.id, question=HOSTILE, reference_answer=HOSTILE, tags=[f"t{HOSTILE}"])
    assert (row.question, row.reference_answer, row.tags) == (CLEAN, CLEAN, [f"t{CLEAN}"])


def test_staff_pages_never_show_raw_controls_even_for_rows_stored_before_the_fix(client, assistant):
    answer_id = client.post("/v1/chat", json={"message": "القمة العالمية الخامسة"}).json()["answer_id"]
    client.post("/v1/feedback", json={"answer_id": answer_id, "rating": -1, "comment": "x"})
    with assistant.sessions.begin() as session:  # raw SQL: what an older version stored
        session.execute(text("UPDATE answers SET question = :q"), {"q": HOSTILE})
        session.execute(text("UPDATE feedback SET comment = :c"), {"c": HOSTILE})
    sign_in(client, ADMIN)
    for path in ("/staff/review", f"/staff/review/{answer_id}"):
        page = client.get(path)
        assert page.status_code == 200
        assert CLEAN in page.text
        for char in "\u202e\u0007\u2066\u2069":
            assert char not in page.text, (path, hex(ord(char)))
