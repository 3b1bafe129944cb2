"""Build the reader the answering pipeline uses, or None when it is off or cannot run here."""

from __future__ import annotations

import logging

from assistant.config import Settings
from assistant.store.stores import Stores

log = logging.getLogger(__name__)


def build_reader(settings: Settings, stores: Stores):
    """The ``FeatureReader`` (ASSISTANT_READER=features or on), the neural ``SentenceReader``
    (ASSISTANT_READER=neural and an encoder that gives token states), else None.

    A damaged or missing artefact raises ``ReaderArtefactError`` with what to do: the assistant does
    not start on a reader it cannot trust."""
    if settings.reader == "off":
        return None
    if settings.reader in ("on", "features"):
        from assistant.reader.feature_reader import FeatureReader

        return FeatureReader.load(settings.reader_weights)
    embedder = stores.embedder
    if not getattr(embedder, "has_states", False):
        log.warning(
            "reader off: the encoder (%s) gives no token states; it needs the default model on ONNX Runtime "
            "(ASSISTANT_ENCODER_RUNTIME=onnx, `assistant build-model`)",
            getattr(embedder, "name", type(embedder).__name__),
        )
        return None
    from assistant.reader.reading import SentenceReader
    from assistant.reader.runtime import ReaderRuntime

    runtime = ReaderRuntime(
        settings.cache_dir,
        int8=settings.reader_int8,
        threads=max(1, settings.encoder_threads or 1),
        weights_dir=settings.reader_weights,
    )
    if runtime.split != stores.states.layer:
        log.warning(
            "reader off: trained on layer %d states, the encoder gives layer %d",
            runtime.split,
            stores.states.layer,
        )
        return None
    return SentenceReader(runtime, stores.states, embedder, embedder.folder)
