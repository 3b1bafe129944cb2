"""Reader states in SQL: written at ingest, deleted with their chunks, computed when missing."""

import numpy as np

from assistant.store.database import make_engine, make_sessionmaker, sqlite_url
from assistant.store.sentence_states import SentenceStateStore


def _store(tmp_path, layer=9):
    return SentenceStateStore(make_sessionmaker(make_engine(sqlite_url(tmp_path))), layer)


def test_states_round_trip_and_are_replaced_by_id(tmp_path):
    store = _store(tmp_path)
    a = np.arange(6 * 384, dtype=np.float32).reshape(6, 384) / 1000
    store.put([("c1:0", "c1", a), ("c1:1", "c1", a[:2])])
    got = store.get(["c1:0", "c1:1", "c9:0"])
    assert set(got) == {"c1:0", "c1:1"}
    assert got["c1:0"].dtype == np.float16 and np.allclose(got["c1:0"], a, atol=1e-2)
    store.put([("c1:1", "c1", a[:3])])
    assert store.get(["c1:1"])["c1:1"].shape == (3, 384)


def test_deleting_chunks_removes_only_their_states(tmp_path):
    store = _store(tmp_path)
    x = np.zeros((2, 384), np.float32)
    store.put([("c1:0", "c1", x), ("c2:0", "c2", x)])
    store.delete_chunks(["c1"])
    assert set(store.get(["c1:0", "c2:0"])) == {"c2:0"}


def test_states_of_another_layer_are_not_returned(tmp_path):
    _store(tmp_path, layer=8).put([("c1:0", "c1", np.zeros((2, 384), np.float32))])
    assert _store(tmp_path, layer=9).get(["c1:0"]) == {}
