"""The trained Arabic reader: rerank, answer span and answerability from one small model.

The reader is a decomposed cross-encoder (DeFormer-style): the bottom ``SPLIT`` layers are the
shipped e5-small encoder, run separately on the question (at query time, by the query encoder) and
on each sentence (at ingest, by the passage encoder); only the top layers run jointly on
[question; sentence] and feed three heads (relevance, answerability, span). See docs/reader.md.
"""
