"""Question to answer: the ``Assistant`` facade (``service``), the answering steps it runs
(``pipeline``: follow-up rewriting, retrieval with sentence evidence, refusal or generation), the
streamed variant (``streaming``) and follow-up rewriting (``followups``, ``rewriting``)."""
