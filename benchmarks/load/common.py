"""Helpers shared by the load, profile and prototype benchmarks (not part of the library).

* ``questions()``: the Arabic/English questions of evalsets/questions.jsonl, in file order;
* ``ingested_data_dir()``: a temporary data dir filled by the real ``assistant ingest`` CLI from
  documents/ (reused across runs when ``--data-dir`` is given and already holds an index);
* ``percentile()``, ``machine()``: figures and the machine they were taken on;
* ``OtherLoad``: CPU time used by processes *other* than the ones we measure, sampled while a
  benchmark runs, because the 2-core machine may be shared (a test suite, another session).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
ASSISTANT = str(Path(sys.executable).with_name("assistant"))
CACHE = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))


def questions(path: Path | None = None) -> list[str]:
    path = path or REPO / "evalsets" / "questions.jsonl"
    return [
        json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def base_env(data_dir: Path, documents_dir: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_CACHE_DIR": str(CACHE),
        "ASSISTANT_GENERATOR": "extractive",
        # A load test from one address would otherwise be throttled (30/minute per IP by default).
        "ASSISTANT_RATE_LIMIT_PER_IP": "",
        "ASSISTANT_RATE_LIMIT_PER_ORIGIN": "",
    }
    if documents_dir is not None:
        env["ASSISTANT_DOCUMENTS_DIR"] = str(documents_dir)
    return env


def ingest(data_dir: Path) -> float:
    """Fill ``data_dir`` with the real CLI from a copy of documents/; returns seconds (0 if reused)."""
    if (data_dir / "index-generation").exists():
        return 0.0
    docs = data_dir.parent / (data_dir.name + "-documents")
    if not docs.exists():
        shutil.copytree(REPO / "documents", docs)
    started = time.perf_counter()
    subprocess.run(
        [ASSISTANT, "ingest", "--json"], env=base_env(data_dir, docs), check=True, capture_output=True
    )
    return time.perf_counter() - started


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    mem = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu_model()}), {mem:.0f} GiB RAM, load average {load}"


class OtherLoad:
    """CPU seconds used on the machine by processes outside ``ours`` between start() and stop().

    Reported as "other CPU" (in cores, averaged over the interval) so that a figure taken while
    something else was running on the 2 cores can be recognised as such."""

    def __init__(self, ours: list[int]):
        self.ours = ours

    def _ours_cpu(self) -> float:
        total = 0.0
        for pid in self.ours:
            try:
                p = psutil.Process(pid)
                t = p.cpu_times()
                total += t.user + t.system
                for c in p.children(recursive=True):
                    try:
                        ct = c.cpu_times()
                        total += ct.user + ct.system
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
        return total

    def start(self) -> None:
        t = psutil.cpu_times()
        self._sys0 = t.user + t.system + getattr(t, "nice", 0.0)
        self._ours0 = self._ours_cpu()
        self._t0 = time.perf_counter()

    def stop(self) -> float:
        t = psutil.cpu_times()
        sys1 = t.user + t.system + getattr(t, "nice", 0.0)
        elapsed = max(1e-9, time.perf_counter() - self._t0)
        other = (sys1 - self._sys0) - (self._ours_cpu() - self._ours0)
        return max(0.0, other / elapsed)
