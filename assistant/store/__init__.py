"""Persistence: Chroma (vectors + chunk texts) and SQL (documents, conversations, answers)."""
