"""A throwaway Chroma server on 127.0.0.1 for the tests (`chroma run` from the installed chromadb).

``halt()`` stops the process and keeps its data, ``start()`` brings it back on the same port and
path (an outage and a recovery); ``stop()`` also deletes the data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.api.live_server import free_port

CHROMA = Path(sys.executable).with_name("chroma")


class ChromaServer:
    def __init__(self, port: int | None = None) -> None:
        if not CHROMA.exists():
            raise RuntimeError(f"{CHROMA} is missing: install the project (chromadb ships `chroma`).")
        self.root = Path(tempfile.mkdtemp(prefix="chromatest-"))
        self.path = self.root / "db"
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ChromaServer:
        with open(self.root / "log", "ab") as log:
            self.process = subprocess.Popen(
                [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--path", str(self.path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.root / "log").read_text(errors="replace")[-2000:]
                self.halt()
                raise RuntimeError(f"Chroma did not start on {self.url}: {tail}")
            time.sleep(0.2)

    def halt(self) -> None:
        """Stop the server (its data stays): an outage."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)
