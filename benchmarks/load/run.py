"""Load test of POST /v1/chat against the real server (closed loop, async httpx).

The server is the real one, started as a subprocess: ``assistant serve --port P`` with
ASSISTANT_DATA_DIR on a temporary directory filled by ``assistant ingest`` from documents/,
ASSISTANT_CACHE_DIR=.cache and the extractive backend. Rate limits are switched off for the run
(one client address would otherwise be throttled). Each request is a new conversation
(``conversation_id: null``, non-streaming) asking one of the questions of evalsets/questions.jsonl;
client i starts at question 7·i and walks the file, so concurrent clients ask different things.

Phases run one after another, each with a fixed number of concurrent clients for a fixed time
(closed loop: every client sends its next request as soon as the previous one is answered). A
client sends nothing after the phase's deadline; requests in flight are waited for (at most the
30 s request timeout). Per phase it prints requests, throughput (successful responses per second
of phase wall time), p50/p95/p99 latency, errors (non-200 or exception) and the peak RSS of the
server process, sampled every 0.2 s during the phase. It also prints the CPU the server used
(in cores), the load generator's own CPU and the CPU used by anything else on the machine, since
the machine has 2 cores and the client runs on them too.

    .venv/bin/python benchmarks/load/run.py                           # 1, 8, 32 clients x 60 s
    .venv/bin/python benchmarks/load/run.py --seconds 20 --clients 8
    .venv/bin/python benchmarks/load/run.py --variants baseline,onnx-int8 --clients 8 --seconds 30

``--variants`` runs the same phases against several servers, for side-by-side figures:
``baseline`` is the unmodified ``assistant serve``; the others are prototypes started by
benchmarks/load/variant_server.py (the same app with one part swapped *in the benchmark*:
benchmarks/load/variants.py lists the parts, e.g. ``onnx-int8+workers2``). All servers are
started first; ``--rounds R`` cuts every phase into R slices taken in turn across the variants,
so that a neighbour's load on the shared 2 cores hits every variant alike. ``--json FILE`` also
writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
# benchmarks/load/profile.py must not shadow the stdlib `profile` (cProfile imports it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parents[1]))
from benchmarks.load.common import (  # noqa: E402
    ASSISTANT,
    REPO,
    OtherLoad,
    base_env,
    ingest,
    machine,
    percentile,
    questions,
)

REQUEST_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Phase:
    variant: str
    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    throughput: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    peak_rss_mb: float = 0.0
    server_cpu_cores: float = 0.0
    client_cpu_cores: float = 0.0
    other_cpu_cores: float = 0.0
    refused: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)


class RssSampler(threading.Thread):
    """Peak RSS (process + children) and CPU of the server, sampled every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _cpu(self) -> float:
        t = self.proc.cpu_times()
        total = t.user + t.system
        for child in self.proc.children(recursive=True):  # uvicorn workers, when there are several
            try:
                ct = child.cpu_times()
                total += ct.user + ct.system
            except psutil.Error:
                pass
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.peak = max(self.peak, self._rss())
            except psutil.Error:
                return
            self._halt.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._cpu0, self._t0 = self._cpu(), time.perf_counter()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, self._rss())
        self.cpu_cores = (self._cpu() - self._cpu0) / max(1e-9, time.perf_counter() - self._t0)


async def client_loop(
    http: httpx.AsyncClient,
    qs: list[str],
    start_at: int,
    deadline: float,
    latencies: list[float],
    errors: dict[str, int],
    refused: list[int],
) -> None:
    n = start_at
    while time.perf_counter() < deadline:
        question = qs[n % len(qs)]
        n += 1
        started = time.perf_counter()
        try:
            reply = await http.post("/v1/chat", json={"message": question, "conversation_id": None})
            elapsed = (time.perf_counter() - started) * 1000
            if reply.status_code == 200:
                latencies.append(elapsed)
                refused[0] += bool(reply.json().get("refused"))
            else:
                key = f"http {reply.status_code}"
                errors[key] = errors.get(key, 0) + 1
        except Exception as exc:  # noqa: BLE001 - every failure counts as an error
            key = type(exc).__name__
            errors[key] = errors.get(key, 0) + 1


async def run_phase(
    base: str, qs: list[str], clients: int, seconds: float
) -> tuple[list[float], dict, int, float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    refused = [0]
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(client_loop(http, qs, 7 * i, deadline, latencies, errors, refused) for i in range(clients))
        )
        wall = time.perf_counter() - started
    return latencies, errors, refused[0], wall


def wait_healthy(base: str, server: subprocess.Popen, limit_s: float = 180) -> None:
    deadline = time.perf_counter() + limit_s
    with httpx.Client(base_url=base, timeout=5) as client:
        while time.perf_counter() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"server exited with code {server.returncode} before becoming healthy")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
    raise SystemExit("server did not become healthy in time")


def server_command(variant: str, port: int) -> list[str]:
    if variant == "baseline":
        return [ASSISTANT, "serve", "--port", str(port)]
    script = HERE / "variant_server.py"
    return [sys.executable, str(script), "--variant", variant, "--port", str(port)]


@dataclass
class Server:
    variant: str
    process: subprocess.Popen
    base: str
    log: object


def start_server(variant: str, data_dir: Path, qs: list[str]) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(data_dir.parent / f"server-{variant}.log", "w")  # noqa: SIM115 - closed in stop_server
    process = subprocess.Popen(
        server_command(variant, port), env=base_env(data_dir), stdout=log, stderr=subprocess.STDOUT, cwd=REPO
    )
    server = Server(variant, process, base, log)
    try:
        wait_healthy(base, process)
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as warm:  # every question once
            for q in qs:
                warm.post("/v1/chat", json={"message": q, "conversation_id": None}).raise_for_status()
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.log.close()


def measure(server: Server, qs: list[str], clients: int, seconds: float, phase: Phase) -> None:
    """Run one phase and merge its figures into ``phase`` (several rounds add up)."""
    me = psutil.Process()
    other = OtherLoad([server.process.pid, os.getpid()])
    client_cpu0 = sum(me.cpu_times()[:2])
    other.start()
    with RssSampler(server.process.pid) as sampler:
        latencies, errors, refused, wall = asyncio.run(run_phase(server.base, qs, clients, seconds))
    # accumulate (weighted by wall time) across rounds
    w0, w1 = phase.wall, wall
    mix = lambda a, b: (a * w0 + b * w1) / (w0 + w1)  # noqa: E731
    phase.other_cpu_cores = mix(phase.other_cpu_cores, other.stop())
    phase.client_cpu_cores = mix(phase.client_cpu_cores, (sum(me.cpu_times()[:2]) - client_cpu0) / wall)
    phase.server_cpu_cores = mix(phase.server_cpu_cores, sampler.cpu_cores)
    phase.wall += wall
    phase.latencies.extend(latencies)
    for key, n in errors.items():
        phase.error_kinds[key] = phase.error_kinds.get(key, 0) + n
    phase.errors = sum(phase.error_kinds.values())
    phase.requests = len(phase.latencies) + phase.errors
    phase.refused += refused
    phase.throughput = len(phase.latencies) / phase.wall
    if phase.latencies:
        phase.p50_ms = percentile(phase.latencies, 0.50)
        phase.p95_ms = percentile(phase.latencies, 0.95)
        phase.p99_ms = percentile(phase.latencies, 0.99)
        phase.mean_ms = statistics.mean(phase.latencies)
        phase.max_ms = max(phase.latencies)
    phase.peak_rss_mb = max(phase.peak_rss_mb, sampler.peak / 2**20)


HEADER = (
    f"{'variant':<30} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'p99 ms':>8} {'errors':>6} {'peak RSS MB':>11} {'srv CPU':>7} {'cli CPU':>7} {'other CPU':>9}"
)


def print_row(p: Phase, flush: bool = False) -> None:
    print(
        f"{p.variant:<30} {p.clients:>7} {p.requests:>8} {p.throughput:>7.1f} {p.p50_ms:>8.1f} "
        f"{p.p95_ms:>8.1f} {p.p99_ms:>8.1f} {p.errors:>6} {p.peak_rss_mb:>11.0f} "
        f"{p.server_cpu_cores:>7.2f} {p.client_cpu_cores:>7.2f} {p.other_cpu_cores:>9.2f}",
        flush=flush,
    )
    if p.error_kinds:
        print(f"{'':<30}   errors: {p.error_kinds}", flush=flush)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated concurrency levels")
    parser.add_argument("--variants", default="baseline", help="comma-separated: baseline and/or prototypes")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="split each phase into this many slices, alternating the variants (fairer on a shared machine)",
    )
    parser.add_argument("--data-dir", type=Path, help="reuse this ingested data dir (ingested if empty)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if args.seconds <= 0 or args.seconds > 600 or not clients or max(clients) > 256:
        raise SystemExit("--seconds must be in (0, 600] and --clients in 1..256")
    qs = questions()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="scn-load-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        took = ingest(data_dir)
        print(f"ingest: {'reused ' + str(data_dir) if took == 0 else f'{took:.1f} s (assistant ingest)'}")
        print(
            f"questions: {len(qs)} (evalsets/questions.jsonl); phases: {clients} clients x {args.seconds:g} s"
        )
        servers: list[Server] = []
        try:
            for variant in variants:
                servers.append(start_server(variant, data_dir, qs))
            print(HEADER, flush=True)
            phases = {(v, n): Phase(v, n, 0.0) for v in variants for n in clients}
            slice_s = args.seconds / args.rounds
            for r in range(args.rounds):
                for server in servers:
                    for n in clients:
                        phase = phases[(server.variant, n)]
                        measure(server, qs, n, slice_s, phase)
                        phase.seconds += slice_s
                        if args.rounds > 1:
                            print(
                                f"  round {r + 1}/{args.rounds}: {server.variant} x{n}: "
                                f"p95 so far {phase.p95_ms:.0f} ms",
                                flush=True,
                            )
                        else:
                            print_row(phase, flush=True)
        finally:
            for server in servers:
                stop_server(server)
        results = list(phases.values())
        if args.rounds > 1:
            print(HEADER)
            for p in results:
                print_row(p)
    print(f"machine after: {machine()}")
    if len(variants) > 1:
        print("\nratios against the first variant (same clients): p95 and throughput")
        first = {p.clients: p for p in results if p.variant == variants[0]}
        for p in results:
            if p.variant != variants[0] and p.clients in first and first[p.clients].p95_ms:
                b = first[p.clients]
                print(
                    f"{p.variant:<30} {p.clients:>3} clients: p95 x{p.p95_ms / b.p95_ms:.2f}  "
                    f"p50 x{p.p50_ms / b.p50_ms:.2f}  req/s x{p.throughput / b.throughput:.2f}  "
                    f"peak RSS x{p.peak_rss_mb / b.peak_rss_mb:.2f}"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        rows = [{k: v for k, v in asdict(p).items() if k != "latencies"} for p in results]
        args.json.write_text(json.dumps({"machine": machine(), "phases": rows}, indent=1))


if __name__ == "__main__":
    main()
