"""Concurrent conversations per Locust worker process, and CPU per turn, two ways in one run.

For each user count, runs bench/locust/locustfile.py's DirectLineBenchUser
(directline.locust) and RestPollingUser (HttpUser + REST polling) one after the
other, each as a Locust master with one worker process against a fresh emulator.
It samples the worker's and the emulator's CPU time from /proc every second, and
over the steady part of the run (all users spawned, plus a few seconds) reads
the turns and failures from Locust's stats history. Prints a Markdown table and
writes the figures as JSON.

    python bench/locust/run_bench.py [--users 100,200,400] [--seconds 30] [--json out.json]

Needs `locust` and the installed `directline` package in the running Python, and
the emulator ($DIRECTLINE_EMULATOR or build/bin/directline-emulator).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Tuple

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "tests"))

from support.emulator import DEFAULT_SECRET, Emulator  # noqa: E402

CLASSES = ("DirectLineBenchUser", "RestPollingUser")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SETTLE_S = 5.0  # after the last user spawned, before the measured window


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def threads_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Every second: (wall time, worker CPU s, emulator CPU s, worker threads)."""

    def __init__(self, worker: int, emulator: int) -> None:
        self.samples: List[Tuple[float, float, float, int]] = []
        self._pids = (worker, emulator)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.time(), cpu_seconds(self._pids[0]),
                                     cpu_seconds(self._pids[1]), threads_of(self._pids[0])))
            except OSError:
                return
            self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def at(self, when: float) -> Tuple[float, float]:
        """CPU seconds (worker, emulator) at ``when``, interpolated between samples."""
        before = [s for s in self.samples if s[0] <= when]
        after = [s for s in self.samples if s[0] >= when]
        a = before[-1] if before else self.samples[0]
        b = after[0] if after else self.samples[-1]
        if b[0] == a[0]:
            return a[1], a[2]
        f = (when - a[0]) / (b[0] - a[0])
        return a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])


@dataclass
class Result:
    user_class: str
    users: int
    window_s: float
    turns: int
    turns_per_s: float
    requests: int
    failures: int
    failure_pct: float
    reply_p50_ms: float
    reply_p95_ms: float
    worker_cpu_pct: float
    cpu_ms_per_turn: float
    emulator_cpu_pct: float
    worker_threads: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def history(prefix: Path) -> List[Dict[str, str]]:
    with open(f"{prefix}_stats_history.csv", newline="") as f:
        return list(csv.DictReader(f))


def run_one(user_class: str, users: int, seconds: int, poll_interval: float,
            work: Path) -> Result:
    prefix = work / f"{user_class}_{users}"
    with Emulator("--threads", "1") as emu:
        env = dict(os.environ, DIRECTLINE_ENDPOINT=emu.v3, DIRECTLINE_SECRET=DEFAULT_SECRET,
                   BENCH_POLL_INTERVAL=str(poll_interval), DIRECTLINE_REPLY_TIMEOUT="5")
        port = free_port()
        base = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), user_class,
                "--loglevel", "ERROR"]
        spawn_rate = max(10, users // 5)
        master = subprocess.Popen(
            base + ["--master", "--headless", "--expect-workers", "1", "-u", str(users),
                    "-r", str(spawn_rate), "-t", f"{seconds}s", "--csv", str(prefix),
                    "--csv-full-history", "--only-summary", "--master-bind-host", "127.0.0.1",
                    "--master-bind-port", str(port), "--exit-code-on-error", "0"],
            env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        worker = subprocess.Popen(base + ["--worker", "--master-port", str(port)], env=env,
                                  cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sampler = Sampler(worker.pid, emu.proc.pid)
        try:
            _, err = master.communicate(timeout=seconds + 120)
            worker.wait(timeout=30)
        finally:
            sampler.stop()
            for p in (master, worker):
                if p.poll() is None:
                    p.kill()
                    p.wait()
        if master.returncode != 0:
            raise RuntimeError(f"locust master exited {master.returncode}: {err[-2000:]}")
    rows = history(prefix)
    spawned = [float(r["Timestamp"]) for r in rows
               if r["Name"] == "Aggregated" and int(r["User Count"] or 0) >= users]
    if not spawned:
        raise RuntimeError(f"{user_class}: never reached {users} users")
    start = spawned[0] + SETTLE_S
    named = [r for r in rows if float(r["Timestamp"]) >= start]
    ends = [float(r["Timestamp"]) for r in named if r["Name"] == "Aggregated"]
    end = max(ends)

    def total(name: str, column: str, when: float) -> int:
        candidates = [r for r in rows if r["Name"] == name and float(r["Timestamp"]) <= when]
        return int(candidates[-1][column]) if candidates else 0

    turns = total("reply", "Total Request Count", end) - total("reply", "Total Request Count",
                                                                 start)
    requests = total("Aggregated", "Total Request Count", end) - \
        total("Aggregated", "Total Request Count", start)
    failures = total("Aggregated", "Total Failure Count", end) - \
        total("Aggregated", "Total Failure Count", start)
    window = end - start
    w0, e0 = sampler.at(start)
    w1, e1 = sampler.at(end)
    with open(f"{prefix}_stats.csv", newline="") as f:
        reply = next(r for r in csv.DictReader(f) if r["Name"] == "reply")
    return Result(
        user_class=user_class, users=users, window_s=round(window, 1), turns=turns,
        turns_per_s=round(turns / window, 1), requests=requests, failures=failures,
        failure_pct=round(100.0 * failures / max(1, requests), 2),
        reply_p50_ms=float(reply["50%"]), reply_p95_ms=float(reply["95%"]),
        worker_cpu_pct=round(100.0 * (w1 - w0) / window, 1),
        cpu_ms_per_turn=round(1000.0 * (w1 - w0) / max(1, turns), 2),
        emulator_cpu_pct=round(100.0 * (e1 - e0) / window, 1),
        worker_threads=max(s[3] for s in sampler.samples))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="100,200,300,400,600,800",
                        help="comma-separated user counts")
    parser.add_argument("--seconds", type=int, default=30, help="run time of each run")
    parser.add_argument("--poll-interval", type=float, default=0.5,
                        help="RestPollingUser: seconds between polls")
    parser.add_argument("--classes", default=",".join(CLASSES))
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()

    results: List[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        for users in (int(u) for u in args.users.split(",")):
            for user_class in args.classes.split(","):
                r = run_one(user_class, users, args.seconds, args.poll_interval, Path(tmp))
                results.append(r)
                print(f"{r.user_class} users={r.users}: {r.turns_per_s} turns/s, "
                      f"{r.failure_pct}% failed, worker CPU {r.worker_cpu_pct}%, "
                      f"{r.cpu_ms_per_turn} ms CPU/turn", file=sys.stderr, flush=True)
    print("| user class | users | turns/s | per user | failures | reply p50 / p95 (ms) "
          "| worker CPU | CPU per turn | worker threads | emulator CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.user_class} | {r.users} | {r.turns_per_s} | {r.turns_per_s / r.users:.2f} "
              f"| {r.failure_pct}% "
              f"| {r.reply_p50_ms:g} / {r.reply_p95_ms:g} | {r.worker_cpu_pct}% "
              f"| {r.cpu_ms_per_turn} ms | {r.worker_threads} | {r.emulator_cpu_pct}% |")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
