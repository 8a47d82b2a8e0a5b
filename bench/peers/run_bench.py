"""Runs the peer benchmark: every client, every workload, against ONE emulator, in
interleaved rounds; prints the table (median over rounds) and fails if any round trip
failed. Called by scripts/bench-peers.sh, which builds what is needed.

usage: run_bench.py --emulator BIN --bench-c BIN --directline-python PY --requests-python PY
                    [--rounds R] [--tokens N] [--echo N] [--polling-echo N]
                    [--concurrent CONVERSATIONS ROUND_TRIPS | --no-concurrent] [--json OUT]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "bench-peers-secret-0123456789"
BASELINE = "directline C"


def start_emulator(binary):
    # --threads 1: the emulator gets one core, the client under test the other.
    process = subprocess.Popen([binary, "--port", "0", "--secret", SECRET, "--threads", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        sys.exit(f"run_bench: emulator did not start (first line {line!r})")
    return process, line[len("listening on "):] + "/v3/directline"


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def run_one(command):
    """Runs one client process; returns its JSON line plus the process's CPU time and
    peak RSS (whole process, interpreter start-up included), from wait4's rusage."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        killer = threading.Timer(150, process.kill)   # a stuck client cannot hang the run
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    if errors.strip():
        sys.stderr.write(errors)
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        sys.exit(f"run_bench: {' '.join(command[:4])} ... exited {process.returncode}")
    result = json.loads(lines[-1])
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["max_rss_mib"] = usage.ru_maxrss / 1024
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--bench-c", required=True)
    parser.add_argument("--directline-python", required=True)
    parser.add_argument("--requests-python", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--echo", type=int, default=200)
    parser.add_argument("--polling-echo", type=int, default=20,
                        help="round trips for DirectLineJS polling (each waits ~200 ms)")
    parser.add_argument("--concurrent", type=int, nargs=2, default=[100, 20],
                        metavar=("CONVERSATIONS", "ROUND_TRIPS"))
    parser.add_argument("--no-concurrent", action="store_true")
    parser.add_argument("--json", help="also write every round's summary here")
    args = parser.parse_args()

    emulator, endpoint = start_emulator(args.emulator)
    node = ["node", os.path.join(HERE, "bench_node.js"), endpoint, SECRET]
    python_bench = os.path.join(HERE, "bench_py.py")
    c_bench = [args.bench_c, endpoint, SECRET]
    dl_py = [args.directline_python, python_bench, "directline", endpoint, SECRET]
    rq_py = [args.requests_python, python_bench, "requests", endpoint, SECRET]
    commands = [
        c_bench + ["tokens", str(args.tokens)],
        dl_py + ["tokens", str(args.tokens)],
        node + ["tokens", str(args.tokens)],
        rq_py + ["tokens", str(args.tokens)],
        c_bench + ["echo", str(args.echo)],
        dl_py + ["echo", str(args.echo)],
        node + ["echo-websocket", str(args.echo)],
        node + ["echo-polling", str(args.polling_echo)],
        rq_py + ["echo", str(args.echo)],
    ]
    if not args.no_concurrent:
        conversations, round_trips = map(str, args.concurrent)
        commands += [c_bench + ["concurrent", conversations, round_trips],
                     node + ["concurrent", conversations, round_trips]]

    rounds = {}   # (client, workload) -> list of per-round summaries
    try:
        for round_index in range(args.rounds):
            # Rotate the order each round so that no client always runs first or last.
            shift = round_index % len(commands)
            for command in commands[shift:] + commands[:shift]:
                result = run_one(command)
                latencies = result["latencies_us"]
                summary = {
                    "p50_us": percentile(latencies, 0.50),
                    "p99_us": percentile(latencies, 0.99),
                    "ops_per_s": result["ops"] / result["elapsed_s"],
                    "ops": result["ops"],
                    "failures": result["failures"],
                    "cpu_s": result["cpu_s"],
                    "max_rss_mib": result["max_rss_mib"],
                }
                if result.get("post_latencies_us"):
                    summary["post_p50_us"] = percentile(result["post_latencies_us"], 0.50)
                rounds.setdefault((result["client"], result["workload"]), []).append(summary)
            print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.wait(timeout=10)

    table = []
    for (client, workload), summaries in rounds.items():
        table.append({
            "client": client, "workload": workload,
            "p50_us": statistics.median(s["p50_us"] for s in summaries),
            "p99_us": statistics.median(s["p99_us"] for s in summaries),
            "ops_per_s": statistics.median(s["ops_per_s"] for s in summaries),
            "ops": sum(s["ops"] for s in summaries),
            "failures": sum(s["failures"] for s in summaries),
            "cpu_s": statistics.median(s["cpu_s"] for s in summaries),
            "max_rss_mib": statistics.median(s["max_rss_mib"] for s in summaries),
            "post_p50_us": (statistics.median(s["post_p50_us"] for s in summaries)
                            if all("post_p50_us" in s for s in summaries) else None),
        })
    baseline = {row["workload"]: row for row in table if row["client"] == BASELINE}
    print(f"{args.rounds} interleaved rounds, one emulator (--threads 1); median over rounds of "
          f"each round's p50/p99/ops/s. ratio = p50 / p50 of {BASELINE} (same workload).\n"
          "client CPU s and RSS MiB: the whole client process (start-up included), median over rounds.\n"
          "post p50 ms: the POST of the message alone (until the client had the id), part of the round trip.")
    header = f"| {'client':<26} | {'workload':<10} | {'p50 ms':>8} | {'p99 ms':>8} | {'ops/s':>8} | {'ratio vs C':>10} | {'post p50 ms':>11} | {'ops':>6} | {'failures':>8} | {'CPU s':>6} | {'RSS MiB':>7} |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for row in table:
        base = baseline.get(row["workload"])
        ratio = f"{row['p50_us'] / base['p50_us']:.2f}x" if base else "-"
        post = f"{row['post_p50_us'] / 1000:.3f}" if row["post_p50_us"] is not None else "-"
        print(f"| {row['client']:<26} | {row['workload']:<10} | {row['p50_us'] / 1000:8.3f} | "
              f"{row['p99_us'] / 1000:8.3f} | {row['ops_per_s']:8.0f} | {ratio:>10} | "
              f"{post:>11} | {row['ops']:6d} | {row['failures']:8d} | {row['cpu_s']:6.2f} | {row['max_rss_mib']:7.1f} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rounds": {f"{c} / {w}": s for (c, w), s in rounds.items()}, "table": table}, out, indent=1)
    failures = sum(row["failures"] for row in table)
    print(f"total failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
