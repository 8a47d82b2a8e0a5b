"""Per-call overhead of the Python binding over the C call.

Both sides make the same request, generate_token against a local emulator, in
the same run and process: the C side is a loop in C++ inside the compiled
module (no Python per call), the Python side is directline.Client.generate_token
(argument checks, GIL release, tuple -> Token). Rounds alternate so machine
noise hits both alike; the medians, their ratio and the median of the
per-round ratios (the figure checked against the target) are printed.

    python bench/python/bench_overhead.py [--calls N] [--rounds R]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

import directline  # noqa: E402
from directline import _client, _directline  # noqa: E402
from support.emulator import DEFAULT_SECRET, Emulator  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--target", type=float, default=1.2, help="ratio to meet (exit 1 if not)")
    args = parser.parse_args()

    with Emulator("--threads", "2") as emu, directline.Client(emu.v3) as client:
        native = client._native  # the compiled handle behind the Python client
        assert native is not None
        for _ in range(200):  # warm up connections and caches on both paths
            client.generate_token(DEFAULT_SECRET)
        _directline._native_generate_token_loop(native, DEFAULT_SECRET, 200)

        c_us: List[float] = []
        py_us: List[float] = []
        for _ in range(args.rounds):
            elapsed = _directline._native_generate_token_loop(native, DEFAULT_SECRET, args.calls)
            c_us.append(elapsed / args.calls * 1e6)
            started = time.perf_counter()
            for _ in range(args.calls):
                client.generate_token(DEFAULT_SECRET)
            py_us.append((time.perf_counter() - started) / args.calls * 1e6)

    # The fixed Python-side work of one call without the network (argument checks
    # and Token construction): a stable figure where machine noise swamps the
    # difference of two round trips.
    reps = 100_000
    started = time.perf_counter()
    for _ in range(reps):
        _client._check_text("secret", DEFAULT_SECRET)
        _client._token(("token", "conversation", 1800))
    wrapper_us = (time.perf_counter() - started) / reps * 1e6

    c_med, py_med = statistics.median(c_us), statistics.median(py_us)
    ratio = py_med / c_med
    # Each Python round runs right after its C round, under similar machine load.
    pair_ratio = statistics.median(p / c for p, c in zip(py_us, c_us))
    print(f"generate_token x {args.calls} x {args.rounds} rounds against the emulator "
          f"(directline {directline.__version__}, Python {sys.version.split()[0]})")
    print(f"  C call (directline.hpp loop):  median {c_med:8.1f} us/call  "
          f"rounds {', '.join(f'{v:.1f}' for v in c_us)}")
    print(f"  Python call:                  median {py_med:8.1f} us/call  "
          f"rounds {', '.join(f'{v:.1f}' for v in py_us)}")
    print(f"  Python wrapper work per call without the network: {wrapper_us:.2f} us")
    print(f"  Python overhead: {py_med - c_med:+.1f} us/call; ratio of medians {ratio:.3f}, "
          f"median of per-round ratios {pair_ratio:.3f} (target <= {args.target})")
    return 0 if pair_ratio <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
