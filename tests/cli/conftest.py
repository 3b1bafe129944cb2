"""`assistant eval` runs on the evaluation tests' fixtures (an ingested Assistant, unique names)."""

from tests.eval.conftest import assistant, ingested, unique  # noqa: F401
