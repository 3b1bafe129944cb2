"""Train the reader on cached bottom states: seeded, checkpointed, resumable, with a progress bar."""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tqdm import tqdm

from assistant.reader.batches import make_batch
from assistant.reader.dataset import candidate_pairs
from assistant.reader.model import Reader
from assistant.reader.prepare import Prepared

MSA_SHARE = 0.45  # share of training pairs that use the question as written; the rest a variant


@dataclass
class TrainConfig:
    split: int = 9
    epochs: float = 2.0
    batch_size: int = 32
    lr_layers: float = 5e-5
    lr_heads: float = 1e-3
    warmup_steps: int = 200
    hard_negatives: int = 3
    easy_negatives: int = 1
    seed: int = 13
    checkpoint_minutes: float = 5.0
    max_steps: int = 0  # 0 = as many as epochs give; >0 caps (the one-step test run)
    limit_questions: int = 0  # 0 = all; >0 trains on the first N questions (tests)
    threads: int = 2
    dropout: float = 0.1
    bf16: bool = True  # autocast matmuls to bfloat16 (AMX/AVX-512 BF16 CPUs train ~3x faster)


def states_of(states: tuple[np.ndarray, np.ndarray], row: int) -> np.ndarray:
    matrix, offsets = states
    return np.asarray(matrix[offsets[row] : offsets[row + 1]], dtype=np.float32)


def pair_item(prep: Prepared, questions, pair, rng: random.Random, *, kind: str | None = None) -> dict:
    q = questions[pair.question]
    options = prep.question_variants[q.id]
    if kind is not None:
        rows = [row for k, row in options if k == kind]
        row = rows[0] if rows else options[0][1]
    elif len(options) == 1 or rng.random() < MSA_SHARE:
        row = options[0][1]
    else:
        row = rng.choice(options[1:])[1]
    s_row = prep.sentence_index[(pair.paragraph, pair.sentence)]
    return {
        "q": states_of(prep.question_states, row),
        "s": states_of(prep.sentence_states, s_row),
        "offsets": prep.sentence_encoded[s_row].offsets,
        "answers": pair.answers,
        "relevance": pair.relevance,
        "span": pair.span,
    }


def bucketed_order(pairs, lengths: list[int], batch_size: int, seed: int) -> list[int]:
    """A shuffled order in which each run of ``batch_size`` pairs has sentences of similar length
    (less padding), and the batches themselves come in random order."""
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return [i for b in batches for i in b]


def losses(model: Reader, batch, bf16: bool = False) -> tuple[torch.Tensor, dict[str, float]]:
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        rel, ans, start, end = model(
            batch.q_states, batch.q_mask, batch.s_states, batch.s_mask, batch.span_mask
        )
    rel, ans, start, end = rel.float(), ans.float(), start.float(), end.float()
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ans_loss = bce(ans, batch.answers)
    rel_loss = bce(rel, batch.relevance)
    ce = torch.nn.functional.cross_entropy
    span_loss = (ce(start, batch.start) + ce(end, batch.end)) / 2
    total = ans_loss + rel_loss + span_loss
    return total, {"ans": ans_loss.item(), "rel": rel_loss.item(), "span": span_loss.item()}


def new_model(config: TrainConfig, model_folder: Path) -> Reader:
    model = Reader(12 - config.split, dropout=config.dropout)
    model.init_from_e5(load_file(str(Path(model_folder) / "model.safetensors")), config.split)
    return model


def train(prep: Prepared, model_folder: Path, out_dir: Path, config: TrainConfig) -> Path:
    """Train (resuming from ``out_dir/checkpoint.pt`` if present); returns the final weights' path."""
    assert prep.split == config.split, "cached states were computed for another split"
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    out_dir.mkdir(parents=True, exist_ok=True)
    questions = prep.corpus.train[: config.limit_questions or None]
    pairs = candidate_pairs(
        prep.corpus, questions, hard=config.hard_negatives, easy=config.easy_negatives, seed=config.seed
    )
    lengths = [len(prep.sentence_encoded[prep.sentence_index[(p.paragraph, p.sentence)]].ids) for p in pairs]
    steps_per_epoch = max(1, len(pairs) // config.batch_size)
    total_steps = int(steps_per_epoch * config.epochs)
    if config.max_steps:
        total_steps = min(total_steps, config.max_steps)
    model = new_model(config, model_folder)
    heads = [p for n, p in model.named_parameters() if not n.startswith("layers.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": list(model.layers.parameters()), "lr": config.lr_layers},
            {"params": heads, "lr": config.lr_heads},
        ],
        weight_decay=0.01,
    )

    def schedule(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - config.warmup_steps))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    step = 0
    checkpoint = out_dir / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
    (out_dir / "config.json").write_text(json.dumps(asdict(config), indent=2))
    model.train()
    last_save = time.monotonic()
    bar = tqdm(total=total_steps, initial=step, desc="train reader", unit="step")
    log = (out_dir / "train-log.jsonl").open("a")
    while step < total_steps:
        epoch, index = divmod(step, steps_per_epoch)
        order = bucketed_order(pairs, lengths, config.batch_size, config.seed + epoch)  # same on resume
        rng = random.Random(config.seed * 1000 + step)
        chosen = [pairs[i] for i in order[index * config.batch_size : (index + 1) * config.batch_size]]
        batch = make_batch([pair_item(prep, questions, p, rng) for p in chosen])
        loss, parts = losses(model, batch, config.bf16)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % 50 == 0:
            log.write(json.dumps({"step": step, "loss": loss.item(), **parts}) + "\n")
            log.flush()
        if time.monotonic() - last_save > config.checkpoint_minutes * 60 or step == total_steps:
            _save(checkpoint, model, optimizer, scheduler, step)
            last_save = time.monotonic()
    bar.close()
    final = out_dir / "reader.pt"
    torch.save(model.state_dict(), final)
    return final


def _save(path: Path, model, optimizer, scheduler, step: int) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
        },
        tmp,
    )
    tmp.replace(path)
