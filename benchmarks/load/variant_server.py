"""The real API (api.main.create_app, uvicorn, same settings from the environment) serving an
Assistant built with a prototype variant (benchmarks/load/variants.py). Started by
benchmarks/load/run.py ``--variants``; not meant for anything but benchmarks.

One extra part is handled here rather than in variants.py: ``workers2`` runs two uvicorn worker
processes (each with its own Assistant, model and Chroma client on the same data dir), i.e. what
``assistant serve --workers 2`` does.

    .venv/bin/python benchmarks/load/variant_server.py --variant onnx-int8+workers2 --port 8123
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # don't shadow stdlib `profile`
sys.path.insert(0, str(HERE.parents[1]))

VARIANT_ENV = "SCN_BENCH_VARIANT"


def make_app():
    """App factory (also used by each worker process when ``workers2`` is set)."""
    from api.main import create_app
    from assistant.config import get_settings
    from benchmarks.load.variants import build_assistant

    settings = get_settings()
    variant = os.environ[VARIANT_ENV]
    assistant = build_assistant(settings, variant, Path(settings.cache_dir))
    return create_app(settings, assistant=assistant)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    import uvicorn

    parts = [p for p in args.variant.split("+") if p]
    workers = 2 if "workers2" in parts else 1
    os.environ[VARIANT_ENV] = "+".join(p for p in parts if p != "workers2") or "baseline"
    if workers == 1:
        uvicorn.run(make_app(), host="127.0.0.1", port=args.port, log_level="info")
    else:
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(HERE.parents[1]), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        uvicorn.run(
            "benchmarks.load.variant_server:make_app",
            factory=True,
            workers=workers,
            host="127.0.0.1",
            port=args.port,
            log_level="info",
        )


if __name__ == "__main__":
    main()
