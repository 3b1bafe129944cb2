"""`assistant train-reader`: reproduce the reader from the training datasets (docs/reader.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import common
from assistant.errors import InvalidRequest


def train_reader(
    kind: Annotated[
        str,
        typer.Option("--kind", help="features (the shipped reader) or neural (the decomposed e5 reader)."),
    ] = "features",
    datasets: Annotated[
        Path, typer.Option("--datasets", help="Folder with qa/ and arcd-train.json (../shared/datasets).")
    ] = Path("../shared/datasets"),
    work_dir: Annotated[
        Path, typer.Option("--work-dir", help="Cached states, checkpoints and logs (resumable).")
    ] = Path(".cache/reader-training"),
    output: Annotated[
        Path | None, typer.Option("--output", help="Where to write the weights (default: the shipped ones).")
    ] = None,
    epochs: Annotated[float, typer.Option(help="Passes over the training pairs.")] = 1.5,
    seed: Annotated[int, typer.Option(help="Seed for the split, augmentation, sampling and init.")] = 13,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (0: all).")] = 0,
    limit_questions: Annotated[
        int, typer.Option(help="Train on the first N questions only (a smoke test; 0: all).")
    ] = 0,
    eval_limit: Annotated[int, typer.Option(help="Held-out questions to evaluate (0: all).")] = 700,
) -> None:
    """Train the reader from the datasets and write its weights with their manifest (sha256, held-out
    figures, sources). `--kind features` (default): e5 vectors, features and two small MLPs, each
    stage cached in --work-dir (rerun to resume). `--kind neural`: the decomposed e5 reader (cached
    states, checkpoints). --max-steps caps the MLPs' epochs (features) or the steps (neural)."""
    from assistant.reader.artefact import WEIGHTS_DIR
    from assistant.reader.pipeline import train_reader as run
    from assistant.reader.train import TrainConfig
    from embeddings.build import ensure_model

    if not (datasets / "qa").is_dir():
        common.fail(
            InvalidRequest(
                f"No training data at {datasets}: pass --datasets with the folder that holds qa/ and "
                "arcd-train.json."
            )
        )
        return
    if kind not in ("features", "neural"):
        common.fail(InvalidRequest(f"Unknown reader kind '{kind}': use --kind features or --kind neural."))
        return
    if kind == "features":
        from assistant.embedding import load_embedder
        from assistant.reader.feature_model import WEIGHTS_DIR as FEATURE_DIR
        from assistant.reader.feature_train import train_feature_reader

        settings = common.settings()
        manifest = train_feature_reader(
            datasets,
            load_embedder(
                settings.model_copy(update={"encoder_threads": settings.encoder_threads or os.cpu_count()})
            ),
            work_dir,
            seed=seed,
            limit_questions=limit_questions,
            output_dir=output or FEATURE_DIR,
            max_iter=max_steps or 60,
        )
        typer.echo(
            json.dumps({"sha256": manifest["sha256"], "dev_figures": manifest["dev_figures"]}, indent=2)
        )
        return
    folder = ensure_model(common.settings().cache_dir)
    config = TrainConfig(epochs=epochs, seed=seed, max_steps=max_steps, limit_questions=limit_questions)
    manifest = run(
        datasets, folder, work_dir, config=config, output_dir=output or WEIGHTS_DIR, eval_limit=eval_limit
    )
    typer.echo(json.dumps({"sha256": manifest["sha256"], "dev_figures": manifest["dev_figures"]}, indent=2))
