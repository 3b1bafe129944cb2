"""Decline harmful requests and prompt injections before they reach retrieval.

``assess(question)`` returns a ``Verdict``: ``category`` is ``"harmful"``, ``"injection"`` or None,
``language`` is ``"ar"`` or ``"en"``, and ``reply`` is the decline text (None when not declined).
Pure Python: no model, no network. See docs/safety.md.
"""

from assistant.safety.assess import Verdict, assess

__all__ = ["Verdict", "assess"]
