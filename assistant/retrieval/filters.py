"""Metadata filters for search and chat: parsed and checked in one place for the API, the CLI and
the LangChain retriever. The wire form (README.md, "API", Filters) is an object::

    {"kind": ["declaration"], "date_from": "2018-01-01", "date_to": "2019-12-31",
     "place": ["ميلبورن، أستراليا"], "language": ["ar"], "document_ids": ["melbourne-declaration-2018"]}

Every field is optional; a field given as one string counts as a list of one. An unknown field, a
kind that does not exist, a date that is not YYYY-MM-DD or a range that ends before it starts is an
``InvalidRequest`` (HTTP 422) saying what to send instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from assistant.errors import InvalidRequest
from assistant.types import DOCUMENT_KINDS, SearchFilters, date_number

FILTER_FIELDS = ("kind", "date_from", "date_to", "place", "language", "document_ids")
MAX_VALUES = 200  # values per list field


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidRequest(f"filters.{name} must be a list of strings, e.g. [\"ar\"].")
    if len(value) > MAX_VALUES:
        raise InvalidRequest(f"filters.{name} has {len(value)} values; at most {MAX_VALUES} are allowed.")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _date(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidRequest(
            f"filters.{name} '{text[:40]}' is not a date; write it as YYYY-MM-DD, e.g. 2024-12-03."
        ) from None


def parse_filters(value: Mapping[str, Any] | SearchFilters | None) -> SearchFilters | None:
    """``SearchFilters`` from the wire form (None or {} → None: no filter)."""
    if value is None or isinstance(value, SearchFilters):
        return value or None
    if not isinstance(value, Mapping):
        raise InvalidRequest('filters must be an object such as {"kind": ["declaration"]}.')
    unknown = sorted(set(value) - set(FILTER_FIELDS))
    if unknown:
        raise InvalidRequest(
            f"filters: unknown field {', '.join(repr(u) for u in unknown)}; "
            f"the fields are {', '.join(FILTER_FIELDS)}."
        )
    kinds = _strings("kind", value.get("kind"))
    bad = [k for k in kinds if k not in DOCUMENT_KINDS]
    if bad:
        raise InvalidRequest(f"filters.kind '{bad[0][:40]}' is not one of {', '.join(DOCUMENT_KINDS)}.")
    date_from, date_to = _date("date_from", value.get("date_from")), _date("date_to", value.get("date_to"))
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest(f"filters: date_from ({date_from}) is after date_to ({date_to}).")
    filters = SearchFilters(
        kinds=kinds,
        date_from=date_from,
        date_to=date_to,
        places=_strings("place", value.get("place")),
        languages=tuple(dict.fromkeys(v.lower() for v in _strings("language", value.get("language")))),
        document_ids=_strings("document_ids", value.get("document_ids")),
    )
    return filters or None


class DocumentColumns:
    """The filter metadata of every document as integer columns, so a filter becomes a boolean
    mask over the documents in a few vectorised steps (~7,000 documents at 100k chunks: a Python
    loop over them costs milliseconds per query). Same rules as ``SearchFilters.matches``."""

    KEYS = ("kind", "place", "language")

    def __init__(self, ids: list[str], metas: list[dict]):
        self.ids = ids
        self.position = {d: i for i, d in enumerate(ids)}
        self.dates = np.array([_int(m.get("date")) for m in metas], dtype=np.int64)
        self.vocab: dict[str, dict] = {}
        self.codes: dict[str, np.ndarray] = {}
        for key in self.KEYS:
            vocab: dict = {}
            codes = [vocab.setdefault(m.get(key), len(vocab)) for m in metas]
            self.codes[key] = np.array(codes, dtype=np.int32)
            self.vocab[key] = vocab

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, filters: SearchFilters) -> np.ndarray:
        ok = np.ones(len(self.ids), dtype=bool)
        lists = (("kind", filters.kinds), ("place", filters.places), ("language", filters.languages))
        for key, wanted in lists:
            if wanted:
                codes = [self.vocab[key][v] for v in wanted if v in self.vocab[key]]
                ok &= np.isin(self.codes[key], np.array(codes, dtype=np.int32))
        if filters.document_ids:
            chosen = np.zeros(len(self.ids), dtype=bool)
            chosen[[self.position[d] for d in filters.document_ids if d in self.position]] = True
            ok &= chosen
        if filters.date_from or filters.date_to:
            ok &= self.dates > 0
            if filters.date_from:
                ok &= self.dates >= date_number(filters.date_from)
            if filters.date_to:
                ok &= self.dates <= date_number(filters.date_to)
        return ok


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
