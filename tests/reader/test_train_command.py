"""`assistant train-reader` works end to end on a tiny slice: states, one training step, held-out
figures and an artefact that loads (its hash written and checked)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.reader.artefact import load_module, verified_weights

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"

pytestmark = pytest.mark.model


@pytest.mark.skipif(not (DATASETS / "qa").is_dir(), reason=f"training data not at {DATASETS}")
def test_one_training_step_on_a_tiny_slice_writes_a_loadable_artefact(tmp_path):
    out = tmp_path / "weights"
    env = {**os.environ, "ASSISTANT_CACHE_DIR": os.environ.get("ASSISTANT_CACHE_DIR", str(REPO / ".cache"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "train-reader",
            "--kind",
            "neural",
            "--datasets",
            str(DATASETS),
            "--work-dir",
            str(tmp_path / "work"),
            "--output",
            str(out),
            "--limit-questions",
            "8",
            "--max-steps",
            "1",
            "--eval-limit",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    printed = json.loads(result.stdout)
    path, manifest = verified_weights(out)
    assert printed["sha256"] == manifest.sha256
    assert manifest.raw["training"]["max_steps"] == 1 and manifest.raw["training_questions"] == 8
    assert "msa" in manifest.raw["dev_figures"]
    assert "train reader" in result.stderr  # the progress bar
    model, _ = load_module(out)
    assert len(model.layers) == manifest.layers
    # the checkpoint a rerun resumes from is written at the last step
    assert (tmp_path / "work" / "run-l9-s13" / "checkpoint.pt").exists()
