"""Helpers for the directline.locust tests: real emulators, real Locust processes.

Locust runs in subprocesses only (importing it monkey-patches the process with
gevent), with the interpreter running pytest, so the installed `directline`
package and the `locust` from PyPI are the ones under test.
"""
from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# The emulator: $DIRECTLINE_EMULATOR, else the build trees (see support.emulator).
from support.emulator import DEFAULT_SECRET, Emulator  # noqa: E402

EXAMPLE = REPO / "examples" / "loadtest" / "locustfile.py"
SECRET = DEFAULT_SECRET
STEPS = ("token", "start", "send", "first reply", "reply")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocustRun:
    """The outcome of one headless Locust run."""

    returncode: int
    output: str                      # master (or single process) stdout + stderr
    worker_output: List[str]
    stats: Dict[str, Dict[str, str]]  # Name -> row of <prefix>_stats.csv
    failures: List[Dict[str, str]]    # rows of <prefix>_failures.csv
    seconds: float
    files: List[Path] = field(default_factory=list)

    def count(self, name: str) -> int:
        return int(self.stats[name]["Request Count"]) if name in self.stats else 0

    def failed(self, name: str) -> int:
        return int(self.stats[name]["Failure Count"]) if name in self.stats else 0


def _read_csv(path: Path) -> List[Dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def locust_env(endpoint: str, **settings: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({"DIRECTLINE_ENDPOINT": endpoint, "DIRECTLINE_SECRET": SECRET,
                "PYTHONUNBUFFERED": "1"})
    env.update(settings)
    return env


def run_locust(tmp: Path, locustfile: Path, env: Dict[str, str], *, users: int,
               spawn_rate: float, run_time: int, workers: int = 0, processes: int = 0,
               extra: Sequence[str] = (), timeout: Optional[float] = None,
               during: Optional[object] = None) -> LocustRun:
    """Runs `locust --headless` (with `workers` worker processes, or `--processes N`).

    Fails the test when Locust does not stop by itself within run time + 40 s.
    ``during``: a callable run once the processes are started (e.g. to kill the server).
    """
    prefix = tmp / "run"
    base = [sys.executable, "-m", "locust", "-f", str(locustfile)]
    cmd = base + ["--headless", "-u", str(users), "-r", str(spawn_rate), "-t", f"{run_time}s",
                  "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
                  "--loglevel", "WARNING", *extra]
    worker_cmds: List[List[str]] = []
    if workers:
        port = free_port()
        cmd += ["--master", "--expect-workers", str(workers), "--master-bind-host", "127.0.0.1",
                "--master-bind-port", str(port)]
        worker_cmds = [base + ["--worker", "--master-host", "127.0.0.1", "--master-port",
                               str(port), "--loglevel", "WARNING"]] * workers
    elif processes:
        cmd += ["--processes", str(processes)]
    limit = timeout if timeout is not None else run_time + 40
    started = time.monotonic()
    master = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    procs = [subprocess.Popen(w, env=env, cwd=tmp, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
             for w in worker_cmds]
    hung = False
    try:
        if callable(during):
            during()
        try:
            output, _ = master.communicate(timeout=max(1.0, limit - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            hung = True
            os.killpg(master.pid, signal.SIGKILL)
            output, _ = master.communicate()
        worker_output = []
        for p in procs:
            try:
                out, _ = p.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                hung = True
                os.killpg(p.pid, signal.SIGKILL)
                out, _ = p.communicate()
            worker_output.append(out)
    finally:
        for p in [master, *procs]:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    seconds = time.monotonic() - started
    if hung:
        pytest.fail(f"locust did not stop by itself within {limit:.0f} s:\n{output[-3000:]}")
    stats = {row["Name"]: row for row in _read_csv(Path(f"{prefix}_stats.csv"))}
    failures = _read_csv(Path(f"{prefix}_failures.csv"))
    return LocustRun(master.returncode, output, worker_output, stats, failures, seconds,
                     sorted(tmp.glob("run_*.csv")))


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator per test module (with /admin, for faults)."""
    with Emulator("--admin", "--threads", "2") as emu:
        yield emu
