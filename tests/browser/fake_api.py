"""A scripted stand-in for the assistant's API, for widget behaviour that the real server cannot be
made to show on demand (a server that stalls, a slow stream, many citations of one document, long
answers). It serves the real api/static/widget.js (read on every request) and a bare host page, so
the widget talks to it same-origin. The question's first word picks the behaviour:

* ``stall …``   accept the request and never answer (until the server stops);
* ``slow …``    stream five deltas 0.35 s apart, then citations and done;
* ``long …``    a long answer (several paragraphs) at once;
* ``refuse …``  an Arabic refusal (what the real server sends);
* ``cite …``    an answer citing three passages of one document and one of another;
* ``fail …``    503 index_not_ready;
* anything else: a short answer.

``FakeAPI.questions`` lists the questions received, in order, and ``FakeAPI.bodies`` the request
bodies of /v1/chat (to check what the widget sends, e.g. its ``filters``).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SCOPE_ATTRIBUTES = ("kind", "documents", "date-from", "date-to", "place", "language")
WIDGET = Path(__file__).resolve().parents[2] / "api" / "static" / "widget.js"
LONG_TITLE = (
    "مؤتمر القمة العالمي الخامس: الممارسات الجيدة لتعزيز التعاون الوطني – المحلي في مجال الوقاية والاستجابة"
)
DOCUMENTS = [
    {
        "id": "summit",
        "title": LONG_TITLE,
        "kind": "event_report",
        "date": "2024-12-03",
        "place": "كيب تاون",
        "language": "ar",
        "source_path": "summit.html",
        "source_url": "https://strongcitiesnetwork.org/ar/summit/",
        "chunk_count": 9,
        "updated_at": None,
    },
    {
        "id": "about",
        "title": "عن شبكة المدن القوية",
        "kind": "about",
        "date": None,
        "place": None,
        "language": "ar",
        "source_path": "about.html",
        "source_url": None,
        "chunk_count": 3,
        "updated_at": None,
    },
]
REFUSAL = (
    "عذرًا، لا تتضمن الوثائق المتاحة لديّ معلومات كافية للإجابة عن هذا السؤال. "
    "يمكنك إعادة صياغة السؤال أو السؤال عن موضوع تغطيه وثائق شبكة المدن القوية."
)


def citation(n: int, document: str, quote: str) -> dict:
    title = next(d["title"] for d in DOCUMENTS if d["id"] == document)
    return {
        "n": n,
        "document_id": document,
        "title": title,
        "quote": quote,
        "chunk_id": f"c{n}",
        "score": 0.9,
    }


class FakeAPI:
    def __init__(self):
        self.questions: list[str] = []
        self.bodies: list[dict] = []
        self.stop = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                if url.path == "/widget.js":
                    self._send(200, WIDGET.read_bytes(), "application/javascript; charset=utf-8")
                elif url.path == "/page":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self._send(200, api.page(query).encode(), "text/html; charset=utf-8")
                elif url.path == "/v1/documents":
                    self._send(200, json.dumps({"documents": DOCUMENTS}).encode(), "application/json")
                else:
                    self._send(404, b'{"error": "not_found", "message": "no"}', "application/json")

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/v1/feedback":
                    self._send(200, b'{"feedback_id": "f"}', "application/json")
                    return
                question = str(body.get("message", ""))
                api.questions.append(question)
                api.bodies.append(body)
                word = question.split(" ", 1)[0].lower()
                if word == "stall":
                    api.stop.wait(120)
                    return
                if word == "fail":
                    self._send(
                        503,
                        b'{"error": "index_not_ready", "message": "Run assistant ingest."}',
                        "application/json",
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                for event, data, pause in api.script(word, question):
                    self.wfile.write(
                        f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
                    )
                    self.wfile.flush()
                    if pause:
                        time.sleep(pause)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def script(self, word: str, question: str):
        refused = word == "refuse"
        citations: list[dict] = []
        if word == "slow":
            pieces = [f"الجزء {n} من الإجابة. " for n in range(1, 6)]
            pause = 0.35
        elif word == "long":
            pieces = [("فقرة طويلة من الإجابة تشرح الموضوع بالتفصيل. " * 6) + "\n\n" for _ in range(8)]
            pause = 0
        elif refused:
            pieces, pause = [REFUSAL], 0
        elif word == "cite":
            pieces = ["عُقدت القمة في كيب تاون [1] بين 3 و5 ديسمبر [2] بمشاركة واسعة [3]. والشبكة عالمية [4]."]
            pause = 0
            citations = [
                citation(1, "summit", "عقدت شبكة المدن القوية قمتها العالمية الخامسة في كيب تاون."),
                citation(2, "summit", "في الفترة من 3 إلى 5 ديسمبر 2024."),
                citation(3, "summit", "جمعت أكثر من 140 مشاركًا."),
                citation(4, "about", "الشبكة العالمية الأولى التي تضم رؤساء بلديات."),
            ]
        else:
            pieces, pause = ["إجابة قصيرة عن سؤالك من الوثائق."], 0
        for piece in pieces:
            yield "delta", {"text": piece}, pause
        yield "citations", {"citations": citations}, 0
        done = {
            "answer_id": uuid.uuid4().hex,
            "conversation_id": "conv-1",
            "refused": refused,
            "generator": "extractive",
            "fallback_reason": None,
        }
        yield "done", done, 0

    def page(self, query: dict[str, str]) -> str:
        lang = query.get("lang", "ar")
        attrs = " ".join(
            f'data-{k}="{escape(v)}"'
            for k, v in query.items()
            if k in ("timeout", "open", "position", "mount", *SCOPE_ATTRIBUTES)
        )
        return f"""<!doctype html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>host page</title></head>
<body><h1>Host page</h1><p><a href="#" id="host-link">a link on the host page</a></p>
<div id="slot"></div>
<script src="/widget.js" defer data-assistant-url="{self.url}" data-lang="{lang}" {attrs}></script>
</body></html>"""

    def __enter__(self) -> FakeAPI:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
