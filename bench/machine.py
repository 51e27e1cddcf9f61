"""Which machine a bench ran on: figures from different CPUs are never compared as one."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from index.embedding.encoder import cores_available

# The instruction sets int8 speed depends on (VNNI and AMX run int8 products natively).
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_line() -> str:
    """The CPU model, its flags that matter for int8, and the cores this process may use."""
    model, flags = platform.processor() or "unknown CPU", set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    shown = " ".join(f for f in FLAGS if f in flags) or "no AVX2"
    return f"CPU: {model} [{shown}] ({cores_available()} cores)"


def peak_rss_mb(pid: int | None = None) -> float:
    """A process's own peak resident memory (VmHWM), in MB. Not `ru_maxrss`: Linux starts a
    child's at its parent's peak (it keeps the larger across exec), so a probe started by a
    bench that once held a large archive would report the bench's peak."""
    status = Path(f"/proc/{pid or os.getpid()}/status")
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
