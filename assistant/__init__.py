"""Arabic-first retrieval-augmented assistant over Strong Cities Network documents.

Data flow, by package (docs/architecture.md): ingest/ (load → clean → chunk → embed) → store/
(Chroma + SQL) → retrieval/ (hybrid: dense + BM25) → answer/ (evidence, refusal, cited answers) →
chat/ (the Assistant: conversations, follow-ups, streaming) → the API (api/, outside this package)
and cli/. Staff work on stored answers: staff/ (review queue, accounts) → eval/ (datasets, runs,
reports). Shared below them: text/, embedding.py, config.py, errors.py, types.py.
"""

__version__ = "0.1.0"
