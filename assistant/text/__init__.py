"""Text utilities every stage shares: Arabic normalisation and BM25 tokens (``arabic``), sentence
splitting (``sentences``) and the cleaning of user input (``safety``)."""
