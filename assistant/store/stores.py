"""The stores of one data folder, opened once per process: the embedding model the index is built
with, the SQL database (documents, conversations, answers, staff, evaluation) and Chroma (chunk and
sentence vectors). Ingestion (``assistant.ingest.run``) writes through them and the ``Assistant``
(``assistant.chat.service``) reads through them, so a process that does both shares one set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from assistant.config import Settings
from assistant.embedding import Embedder, load_embedder
from assistant.store.chroma_store import ChromaStore
from assistant.store.database import make_engine, make_sessionmaker, sqlite_url
from assistant.store.lexical_snapshot import LexicalSnapshots
from assistant.store.sentence_states import SentenceStateStore
from embeddings.onnx_export import STATE_LAYER


@dataclass
class Stores:
    settings: Settings
    embedder: Embedder
    engine: Engine
    sessions: sessionmaker
    chroma: ChromaStore

    @property
    def states(self) -> SentenceStateStore:
        """The reader's per-sentence token states (assistant/reader/, docs/reader.md)."""
        return SentenceStateStore(self.sessions, STATE_LAYER)

    @property
    def data_dir(self) -> Path:
        return Path(self.settings.data_dir)

    @property
    def uploads_dir(self) -> Path:
        """The files uploaded on /staff/documents: a second documents folder that every ingest reads."""
        return self.data_dir / "uploads"

    @property
    def lexical(self) -> LexicalSnapshots:
        """BM25 and the chunk catalogue persisted per index generation, under DATA_DIR/lexical
        (store/lexical_snapshot.py): written by ingest, loaded by the retriever."""
        return LexicalSnapshots(self.data_dir / "lexical")

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Stores:
        """Create the data folder if needed, load the model (unless given) and connect to both stores."""
        data_dir = Path(settings.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        embedder = embedder or load_embedder(settings)
        engine = make_engine(settings.database_url or sqlite_url(data_dir))
        chroma = ChromaStore(data_dir, embedder, settings.chroma_url, timeout=settings.chroma_timeout)
        return cls(settings, embedder, engine, make_sessionmaker(engine), chroma)
