"""The GIL is released during network waits: Python threads sharing one client
run their requests in parallel. Also no leak over many conversations."""
from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from typing import Any, List

import directline
from conftest import SECRET
from support.emulator import Emulator

DELAY_MS = 200
THREADS = 4
CALLS_PER_THREAD = 3


def test_gil_released_threads_run_in_parallel() -> None:
    # Every generate_token waits DELAY_MS in the emulator.
    with Emulator("--threads", "8", "--fault", f"route=generate,delay={DELAY_MS}") as emu, \
            directline.Client(emu.v3, timeout=10) as client:
        client.generate_token(SECRET)  # warm up the connection
        errors: List[BaseException] = []
        ticks = 0
        stop = threading.Event()

        def worker() -> None:
            try:
                for _ in range(CALLS_PER_THREAD):
                    client.generate_token(SECRET)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        def python_work() -> None:
            # Pure-Python work keeps running while the requests wait.
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.001)

        counter = threading.Thread(target=python_work)
        counter.start()
        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        elapsed = time.monotonic() - started
        stop.set()
        counter.join()
        assert not errors, errors
        serial = THREADS * CALLS_PER_THREAD * DELAY_MS / 1000.0  # 2.4 s
        print(f"{THREADS}x{CALLS_PER_THREAD} calls with {DELAY_MS} ms delay: {elapsed:.2f} s "
              f"(serial {serial:.1f} s), python ticks meanwhile: {ticks}")
        assert elapsed < serial / 2, (elapsed, serial)
        # Python code kept running meanwhile: at least one tick per 20 ms on average
        # (a held GIL would freeze the ticker for each 200 ms wait).
        assert ticks >= elapsed / 0.02, ticks


def test_conversation_shared_between_threads(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        sent: List[Any] = []
        lock = threading.Lock()

        def sender(n: int) -> None:
            for i in range(5):
                activity_id = conversation.send_message(f"t{n}-{i}", user_id="u1")
                with lock:
                    sent.append(activity_id)

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(set(sent)) == 20
        echoes = set()
        deadline = time.monotonic() + 15
        while len(echoes) < 20 and time.monotonic() < deadline:
            a = conversation.next_activity(timeout=1)
            if a and a.get("type") == "message" and a["text"].startswith("echo: "):
                echoes.add(a["text"])
        assert len(echoes) == 20


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_no_leak_over_10000_conversations() -> None:
    total, checkpoint = 10_000, 2_000
    with Emulator("--threads", "2") as emu, directline.Client(emu.v3, timeout=10) as client:
        started = time.monotonic()
        at_checkpoint = 0
        for i in range(1, total + 1):
            with client.start_conversation(SECRET) as conversation:
                assert conversation.id
            if i == checkpoint:
                gc.collect()
                at_checkpoint = rss_kib()
        gc.collect()
        at_end = rss_kib()
        elapsed = time.monotonic() - started
    growth = at_end - at_checkpoint
    print(f"{total} conversations in {elapsed:.1f} s; RSS after {checkpoint}: "
          f"{at_checkpoint} KiB, after {total}: {at_end} KiB (+{growth} KiB)")
    # 8,000 more conversations: a leak of even 1 KiB each would show as ~8 MiB.
    assert growth < 4096, growth


def test_no_leak_receiving_over_3000_conversations() -> None:
    # The receive path too: start, send, wait for the echo over the stream; every
    # other conversation is closed explicitly, the rest are freed by refcount.
    total, checkpoint = 3_000, 1_000
    with Emulator("--threads", "2") as emu, directline.Client(emu.v3, timeout=10) as client:
        at_checkpoint = 0
        started = time.monotonic()
        for i in range(1, total + 1):
            conversation = client.start_conversation(SECRET)
            sent = conversation.send_message("ping", user_id="u1")
            while True:
                activity = conversation.next_activity(timeout=10)
                assert activity is not None
                if activity.get("replyToId") == sent and activity["type"] == "message":
                    break
            if i % 2:
                conversation.close()
            del conversation
            if i == checkpoint:
                gc.collect()
                at_checkpoint = rss_kib()
        gc.collect()
        at_end = rss_kib()
        elapsed = time.monotonic() - started
    growth = at_end - at_checkpoint
    print(f"{total} conversations with a round trip in {elapsed:.1f} s; RSS after "
          f"{checkpoint}: {at_checkpoint} KiB, after {total}: {at_end} KiB (+{growth} KiB)")
    # 2,000 more conversations; a leak of 3 KiB each would show as ~6 MiB.
    assert growth < 6144, growth


EXIT_WHILE_CALLS_RETURN = """
import sys, threading, time
import directline

class SlowTeardown:
    # Module teardown at exit sleeps here (GIL released) while the daemon
    # threads' calls come back and ask for the GIL.
    def __del__(self) -> None:
        time.sleep(1.0)

slow_teardown = SlowTeardown()
client = directline.Client(sys.argv[1], timeout=10)
for _ in range(4):
    threading.Thread(target=client.generate_token, args=(sys.argv[2],), daemon=True).start()
time.sleep(0.2)
print("main done", flush=True)
"""


def test_exit_while_daemon_threads_are_in_calls(tmp_path: Any) -> None:
    """Daemon threads whose calls return while the interpreter finalizes are ended by
    Python (pthread_exit); the process still exits cleanly instead of aborting in
    std::terminate."""
    with Emulator("--threads", "8", "--fault", "route=generate,delay=500") as emu:
        done = subprocess.run([sys.executable, "-c", EXIT_WHILE_CALLS_RETURN, emu.v3, SECRET],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "main done" in done.stdout
    assert "terminate" not in done.stderr, done.stderr[-2000:]
