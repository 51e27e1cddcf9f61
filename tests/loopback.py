"""Free loopback ports, and a real Chroma server (`chroma run`) on one, for tests and benches."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chroma_run(
    path: Path, log_path: Path, ready_within_s: float = 60
) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """`chroma run` over the files at `path` until the block ends: host, port and process.
    The wait is a ceiling for a loaded machine (a large archive's server starts slower)."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=log,
            env=os.environ | {"ANONYMIZED_TELEMETRY": "False"},
        )
        try:
            deadline = time.monotonic() + ready_within_s
            while True:
                try:
                    url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
                    with urllib.request.urlopen(url, timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text(errors="replace")) from None
                    time.sleep(0.3)
            yield "127.0.0.1", port, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
