"""Arabic-first retrieval-augmented assistant over Strong Cities Network documents.

Data flow: ingest (load → clean → chunk) → embed → store (Chroma + BM25) → retrieve (hybrid)
→ answer (extractive composer, cites exact quotes) → API / CLI.
"""

__version__ = "0.1.0"
