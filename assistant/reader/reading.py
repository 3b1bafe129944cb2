"""Read candidate sentences for one question: fetch (or compute) their states, run the reader.

``SentenceReader`` is what the answering pipeline holds when the reader is on. It tokenizes each
candidate sentence the way the passage encoder did at ingest (``passage: `` + text, so the stored
states line up with the offsets), reads the stored states, computes and stores any that are missing
(an index built before the reader), and returns one ``Reading`` per candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.reader.bottom import PASSAGE_PROMPT, encode, load_tokenizer
from assistant.reader.runtime import Candidate, ReaderRuntime, Reading
from assistant.store.sentence_states import SentenceStateStore

log = logging.getLogger(__name__)


class SentenceReader:
    def __init__(self, runtime: ReaderRuntime, states: SentenceStateStore, embedder, model_folder: Path):
        self.runtime = runtime
        self.states = states
        self.embedder = embedder  # OnnxEmbedder with token states (embed_with_states)
        self.tokenizer = load_tokenizer(model_folder)

    def question_states(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """(query vector, question states) from one pass of the query encoder."""
        vectors, states = self.embedder.embed_with_states([question], kind="query")
        return vectors[0], states[0]

    def read(self, question_states: np.ndarray, sentences: Sequence) -> list[Reading]:
        """``sentences``: records with ``id``, ``chunk_id`` and ``text`` (SentenceRecord)."""
        if not sentences:
            return []
        stored = self.states.get([s.id for s in sentences])
        missing = [s for s in sentences if s.id not in stored]
        if missing:
            _, computed = self.embedder.embed_with_states([s.text for s in missing], kind="passage")
            self.states.put((s.id, s.chunk_id, st) for s, st in zip(missing, computed, strict=True))
            stored.update({s.id: st for s, st in zip(missing, computed, strict=True)})
            log.info("reader: computed states of %d sentences missing from the store", len(missing))
        candidates = []
        for s in sentences:
            encoded = encode(self.tokenizer, s.text, PASSAGE_PROMPT)
            states = stored[s.id]
            if len(states) != len(encoded.ids):  # stored by another tokenizer or model: recompute
                _, (states,) = self.embedder.embed_with_states([s.text], kind="passage")
                self.states.put([(s.id, s.chunk_id, states)])
            candidates.append(Candidate(states, encoded.offsets))
        return self.runtime.read(question_states, candidates)
