"""FastAPI app: /v1/chat, /v1/search, /v1/documents, /healthz."""
