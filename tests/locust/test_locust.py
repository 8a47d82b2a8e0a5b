"""directline.locust against real emulators, in real (distributed) Locust runs."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import List, Tuple

import streaming_bot
from conftest import (EXAMPLE, SECRET, STEPS, TESTS, Emulator, LocustRun, locust_env,
                      run_locust)
from streaming_bot import StreamingBot


def _check_no_secret(run: LocustRun) -> None:
    texts = [run.output, *run.worker_output] + [f.read_text() for f in run.files]
    assert not any(SECRET in t for t in texts), "the secret leaked into Locust's output"


def test_example_runs_distributed_without_failures(emulator: Emulator, tmp_path: Path) -> None:
    """The example, a master with --expect-workers 2 and two worker processes."""
    env = locust_env(emulator.v3, DIRECTLINE_THINK_TIME="0.2")
    run = run_locust(tmp_path, EXAMPLE, env, users=30, spawn_rate=30, run_time=15, workers=2)
    assert run.returncode == 0, run.output[-3000:]
    assert all(w is not None for w in run.worker_output)
    for name in STEPS:
        assert run.count(name) > 0, f"no {name!r} entries: {sorted(run.stats)}"
        assert run.failed(name) == 0, run.failures
    assert run.failures == []
    # One first reply and one reply per send; a turn cut by the end of the run may miss them.
    assert run.count("send") - 30 <= run.count("reply") == run.count("first reply") \
        <= run.count("send")
    assert run.count("start") <= run.count("token")
    assert run.count("reply") >= 150, "too few turns for 30 users in 15 s"
    first = float(run.stats["first reply"]["Average Response Time"])
    assert float(run.stats["reply"]["Average Response Time"]) >= first
    _check_no_secret(run)


def test_wrong_expectation_is_reported_as_failures(emulator: Emulator, tmp_path: Path) -> None:
    """A YAML scenario expecting what the echo bot never says: every reply fails, nothing else."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(textwrap.dedent("""\
        turns:
          - text: hello
            expect: "^bonjour"
          - text: again
            expect: "^bonjour"
            think_time: 0
        """))
    env = locust_env(emulator.v3, DIRECTLINE_SCENARIO=str(scenario), DIRECTLINE_THINK_TIME="0.1")
    run = run_locust(tmp_path, EXAMPLE, env, users=4, spawn_rate=10, run_time=5)
    assert run.returncode == 1, run.output[-3000:]
    assert run.count("reply") > 0 and run.failed("reply") == run.count("reply")
    for name in ("token", "start", "send", "first reply"):
        assert run.count(name) > 0 and run.failed(name) == 0, run.failures
    errors = {(f["Name"], f["Error"]) for f in run.failures}
    assert errors == {("reply", "mismatch: reply 'echo: hello' does not match '^bonjour'"),
                      ("reply", "mismatch: reply 'echo: again' does not match '^bonjour'")}


def test_killed_emulator_gives_failures_not_a_hang(tmp_path: Path) -> None:
    """The server dies mid-run (workers forked by --processes): failures, and Locust stops on time."""
    emu = Emulator("--threads", "2")
    env = locust_env(emu.v3, DIRECTLINE_THINK_TIME="0.2", DIRECTLINE_REPLY_TIMEOUT="2")

    def kill_after_a_while() -> None:
        time.sleep(6)
        emu.proc.kill()

    try:
        run = run_locust(tmp_path, EXAMPLE, env, users=10, spawn_rate=20, run_time=12,
                         processes=2, during=kill_after_a_while)
    finally:
        emu.stop()
    assert run.seconds < 12 + 25, f"took {run.seconds:.0f} s"
    assert run.returncode == 1, run.output[-3000:]
    assert run.count("reply") > run.failed("reply"), "no turn succeeded before the kill"
    failed = sum(run.failed(name) for name in STEPS)
    assert failed > 0, run.stats
    errors = [f["Error"] for f in run.failures]
    assert any(e.startswith("DL_ENETWORK: ") for e in errors), errors
    assert all(e.startswith("DL_") for e in errors), errors
    _check_no_secret(run)


SPANS = """
import json, os, time
from locust import events

spans = []

@events.request.add_listener
def _record(name, response_time, **kwargs):
    if name == "send":
        end = time.time()
        spans.append((end - response_time / 1000.0, end))

@events.quitting.add_listener
def _dump(environment, **kwargs):
    with open(os.environ["SPANS_FILE"], "w") as f:
        json.dump(spans, f)
"""

POOLED = SPANS + """
from directline.locust import DirectLineUser

class SlowPost(DirectLineUser):
    think_time = 0
    scenario = ["one"]
"""

# What a locustfile calling the blocking API straight from a Locust task looks like.
# (Its pause between tasks lets the gevent loop run Locust's own timers: without one,
# such users starve the loop and Locust never stops by itself.)
NAIVE = SPANS + """
import directline
from locust import User, constant, task

class NaiveSlowPost(User):
    wait_time = constant(0.1)

    @task
    def turn(self):
        with directline.Client(os.environ["DIRECTLINE_ENDPOINT"], retry_attempts=1) as client:
            with client.start_conversation(os.environ["DIRECTLINE_SECRET"]) as conversation:
                started = time.time()
                conversation.send_message("one", user_id="dl_naive")
                spans.append((started, time.time()))
"""


def _first_two_sends(tmp_path: Path, emulator: Emulator, name: str,
                     source: str) -> List[Tuple[float, float]]:
    locustfile = tmp_path / f"{name}.py"
    locustfile.write_text(source)
    spans_file = tmp_path / f"{name}.json"
    env = locust_env(emulator.v3, SPANS_FILE=str(spans_file))
    workdir = tmp_path / name
    workdir.mkdir()
    run_locust(workdir, locustfile, env, users=2, spawn_rate=100, run_time=4)
    spans = sorted(tuple(s) for s in json.loads(spans_file.read_text()))
    assert len(spans) >= 2, spans
    return [(a, b) for a, b in spans[:2]]


def test_two_users_waits_overlap(tmp_path: Path) -> None:
    """Each POST takes 1 s (injected delay): two users' sends overlap in one process.

    The same two users calling the library straight from their tasks (no pool)
    wait one after the other: the native call holds the gevent loop.
    """
    with Emulator("--fault", "route=post-activity,delay=1000") as emu:
        pooled = _first_two_sends(tmp_path, emu, "pooled", POOLED)
        naive = _first_two_sends(tmp_path, emu, "naive", NAIVE)
    overlap = min(pooled[0][1], pooled[1][1]) - max(pooled[0][0], pooled[1][0])
    assert overlap > 0.8, f"pooled sends overlapped {overlap:.2f} s: {pooled}"
    naive_overlap = min(naive[0][1], naive[1][1]) - max(naive[0][0], naive[1][0])
    assert naive_overlap < 0.1, f"naive sends overlapped {naive_overlap:.2f} s: {naive}"


def test_scenario_files(tmp_path: Path) -> None:
    """CSV, JSON and YAML scenarios load alike; bad ones are refused with a reason."""
    (tmp_path / "s.csv").write_text("text,expect,think_time\nhello,^echo: ,0.5\nbye,,\n")
    (tmp_path / "plain.csv").write_text("hello,^echo: ,0.5\nbye\n")
    (tmp_path / "s.json").write_text(json.dumps(
        [{"text": "hello", "expect": "^echo: ", "think_time": 0.5}, "bye"]))
    (tmp_path / "s.yaml").write_text(
        "greeting: true\nturns:\n  - {text: hello, expect: '^echo: ', think_time: 0.5}\n  - bye\n")
    (tmp_path / "bad.json").write_text('[{"text": "hi", "expect": "("}]')
    (tmp_path / "empty.json").write_text("[]")
    (tmp_path / "unknown.json").write_text('[{"text": "hi", "reply": "x"}]')
    (tmp_path / "s.txt").write_text("hello\n")
    script = textwrap.dedent("""\
        import json, sys
        from directline.locust import Scenario
        out = {}
        for name in sys.argv[1:]:
            try:
                s = Scenario.load(name)
                out[name] = [s.greeting, [[t.text, t.expect, t.think_time] for t in s.turns]]
            except ValueError as e:
                out[name] = str(e)
        print(json.dumps(out))
        """)
    names = ["s.csv", "plain.csv", "s.json", "s.yaml", "bad.json", "empty.json",
             "unknown.json", "s.txt", "missing.json"]
    done = subprocess.run([sys.executable, "-c", script, *names], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    turns = [["hello", "^echo: ", 0.5], ["bye", None, None]]
    assert got["s.csv"] == [None, turns]
    assert got["plain.csv"] == [None, turns]
    assert got["s.json"] == [None, turns]
    assert got["s.yaml"] == [True, turns]
    assert "not a regular expression" in got["bad.json"]
    assert "non-empty list" in got["empty.json"]
    assert "unknown keys ['reply']" in got["unknown.json"]
    assert "ends in .csv, .json, .yaml or .yml" in got["s.txt"]
    assert got["missing.json"].startswith("cannot read scenario missing.json")


def test_greeting_and_streamed_replies(emulator: Emulator, tmp_path: Path) -> None:
    """The emulator's echo bot greets and streams: the turn ends with the final chunk."""
    env = locust_env(emulator.v3, DIRECTLINE_GREETING="1", DIRECTLINE_STREAM="1",
                     DIRECTLINE_THINK_TIME="0.1")
    run = run_locust(tmp_path, EXAMPLE, env, users=4, spawn_rate=10, run_time=6)
    assert run.returncode == 0, run.output[-3000:]
    for name in (*STEPS, "greeting"):
        assert run.count(name) > 0 and run.failed(name) == 0, (name, run.failures)
    # The stream's chunks come with small delays: the final message comes later than the first.
    assert float(run.stats["reply"]["Average Response Time"]) > \
        float(run.stats["first reply"]["Average Response Time"])


def test_token_endpoint(emulator: Emulator, tmp_path: Path) -> None:
    """DIRECTLINE_TOKEN_ENDPOINT alone: the regional endpoint is found from it (once per
    user), each conversation's token comes from it, greeting included."""
    url = (f"{emulator.base_url}/powervirtualagents/botsbyschema/emulator.agent/directline/token"
           "?api-version=2022-03-01-preview")
    env = locust_env("", DIRECTLINE_TOKEN_ENDPOINT=url, DIRECTLINE_THINK_TIME="0.1",
                     DIRECTLINE_GREETING="1")
    del env["DIRECTLINE_ENDPOINT"], env["DIRECTLINE_SECRET"]
    run = run_locust(tmp_path, EXAMPLE, env, users=3, spawn_rate=10, run_time=5)
    assert run.returncode == 0, run.output[-3000:]
    for name in (*STEPS, "greeting"):
        assert run.count(name) > 0 and run.failed(name) == 0, (name, run.failures)
    assert run.count("regional endpoint") == 3 and run.failed("regional endpoint") == 0


def test_streamed_replies_greeting_and_late_messages(tmp_path: Path) -> None:
    """A bot that greets and streams (typing chunks, then the final message), then sends a
    late extra message after each reply: the greeting and every turn pass, the turn ends
    with the final chunk (after the first one), and no late message is taken for a reply."""
    bot = StreamingBot()
    try:
        with Emulator("--bot", bot.url) as emu:
            env = locust_env(emu.v3, DIRECTLINE_GREETING="1", DIRECTLINE_STREAM="1",
                             DIRECTLINE_THINK_TIME="0")
            run = run_locust(tmp_path, EXAMPLE, env, users=3, spawn_rate=10, run_time=6)
    finally:
        bot.stop()
    assert run.returncode == 0, (run.output[-3000:], run.failures)
    for name in (*STEPS, "greeting"):
        assert run.count(name) > 0 and run.failed(name) == 0, (name, run.failures)
    # The first reply is the first chunk, after the bot's thinking (not the late message of
    # the turn before); the reply is the final chunk, two chunk delays later at least.
    first = float(run.stats["first reply"]["Min Response Time"])
    assert first >= 1000 * streaming_bot.THINK_S, run.stats["first reply"]
    first = float(run.stats["first reply"]["Average Response Time"])
    reply = float(run.stats["reply"]["Average Response Time"])
    assert reply - first >= 2 * 1000 * streaming_bot.CHUNK_DELAY_S, (first, reply)


def test_public_names_have_docstrings() -> None:
    """tests/python's docstring check, over directline.locust too (in a process of its own:
    importing Locust monkey-patches the process with gevent)."""
    script = textwrap.dedent(f"""\
        import importlib.util
        import directline.locust
        spec = importlib.util.spec_from_file_location(
            "docstrings", {str(TESTS / "python" / "test_docstrings.py")!r})
        check = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(check)
        assert any(m.__name__ == "directline.locust" for m in check.public_modules())
        print(check.undocumented())
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
