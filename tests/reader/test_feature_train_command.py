"""`assistant train-reader` (the feature reader) works end to end on a tiny slice: e5 vectors,
features, both MLPs, held-out figures and an artefact that loads with its hash checked."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.reader.feature_model import load

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"

pytestmark = pytest.mark.model


@pytest.mark.skipif(not (DATASETS / "qa").is_dir(), reason=f"training data not at {DATASETS}")
def test_a_short_training_run_on_a_tiny_slice_writes_a_loadable_artefact(tmp_path):
    out = tmp_path / "weights"
    env = {**os.environ, "ASSISTANT_CACHE_DIR": os.environ.get("ASSISTANT_CACHE_DIR", str(REPO / ".cache"))}
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "train-reader",
        "--datasets",
        str(DATASETS),
        "--work-dir",
        str(tmp_path / "work"),
        "--output",
        str(out),
        "--limit-questions",
        "40",
        "--max-steps",
        "2",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = json.loads(result.stdout[result.stdout.index("{") :])
    models = load(out)
    assert printed["sha256"] == models.manifest["sha256"]
    assert sum(models.manifest["trained_questions"].values()) == 40
    assert set(models.manifest["dev_figures"]["relevance"]["all"]) == {"reader", "cosine"}
    assert "features" in result.stderr  # the progress bar of the feature stage
    # each stage's cache is written, so a rerun resumes instead of re-encoding
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "work").iterdir())
    assert cached == ["examples", "paragraphs", "questions", "sentences"]
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd=REPO)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "e5 sentences" not in again.stderr  # the vectors came from the cache
