"""Dense (Chroma), lexical (BM25) and their fusion."""
