"""Where `directline` takes credentials from (file, environment, stdin; never a secret on argv),
and that a secret or token never shows up in its output when a command fails."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, List

import pytest

from clitools import EXIT, Cli, Emulator, add_fault, clear_faults, free_port

SENTINEL = "SENTINEL-secret-7f3a9c1e5b"


@pytest.fixture(autouse=True)
def no_faults(emu: Emulator) -> Iterator[None]:
    yield
    clear_faults(emu)


def secret_file(tmp_path: Path, secret: str, mode: int = 0o600) -> str:
    path = tmp_path / "secret"
    path.write_text(secret + "\n")
    os.chmod(path, mode)
    return str(path)


def test_secret_from_file(cli: Cli, tmp_path: Path) -> None:
    r = cli.run("generate-token", "--secret-file", secret_file(tmp_path, cli.emulator.secret))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_secret_from_environment(cli: Cli) -> None:
    assert cli.ok("generate-token", env={"DIRECTLINE_SECRET": cli.emulator.secret})["token"]


def test_secret_from_stdin(cli: Cli) -> None:
    assert cli.ok("generate-token", "--secret-stdin", input=cli.emulator.secret + "\n")["token"]


def test_secret_file_dash_reads_stdin(cli: Cli) -> None:
    assert cli.ok("generate-token", "--secret-file", "-", input=cli.emulator.secret + "\n")["token"]
    r = cli.run("chat", "--secret-file", "-", input=cli.emulator.secret + "\n")  # stdin is the chat
    assert r.returncode == EXIT["usage"] and "give --secret-file a file" in r.stderr, r.stderr


def test_no_secret_is_a_usage_error(cli: Cli) -> None:
    r = cli.run("generate-token")
    assert r.returncode == EXIT["usage"] and "no secret" in r.stderr


def test_secret_file_readable_by_others_warns(cli: Cli, tmp_path: Path) -> None:
    r = cli.run("generate-token", "--secret-file", secret_file(tmp_path, cli.emulator.secret, 0o644))
    assert r.returncode == 0
    assert "accessible by other users" in r.stderr
    assert cli.emulator.secret not in r.stderr


def test_empty_or_missing_secret_file(cli: Cli, tmp_path: Path) -> None:
    r = cli.run("generate-token", "--secret-file", secret_file(tmp_path, ""))
    assert r.returncode == EXIT["usage"] and "empty" in r.stderr
    r = cli.run("generate-token", "--secret-file", str(tmp_path / "missing"))
    assert r.returncode == EXIT["local"] and "cannot read secret file" in r.stderr


def test_token_from_argv_file_and_environment(cli: Cli, tmp_path: Path) -> None:
    started = cli.start()
    cid, token = started["conversationId"], started["token"]
    assert cli.ok("send", "--conversation", cid, "--text", "argv", "--token", token)["id"]
    path = tmp_path / "token"
    path.write_text(token + "\n")
    os.chmod(path, 0o600)
    assert cli.ok("send", "--conversation", cid, "--text", "file", "--token-file", str(path))["id"]
    # $DIRECTLINE_TOKEN wins over $DIRECTLINE_SECRET for conversation commands.
    env = {"DIRECTLINE_TOKEN": token, "DIRECTLINE_SECRET": "wrong-secret"}
    assert cli.ok("send", "--conversation", cid, "--text", "env", env=env)["id"]


def test_secret_file_for_conversation_commands(cli: Cli, tmp_path: Path) -> None:
    path = secret_file(tmp_path, cli.emulator.secret)
    started = cli.ok("start-conversation", "--secret-file", path)
    assert cli.ok("send", "--conversation", started["conversationId"], "--text", "x",
                  "--secret-file", path)["id"]


def failing_runs(cli: Cli, tmp_path: Path) -> List:
    """Commands that fail in different ways while holding the sentinel secret or token."""
    path = secret_file(tmp_path, SENTINEL)
    dead = f"http://127.0.0.1:{free_port()}/v3/directline"
    env = {"DIRECTLINE_SECRET": SENTINEL}
    started = cli.start()
    cid = started["conversationId"]
    runs = [
        cli.run("generate-token", "--secret-file", path),
        cli.run("generate-token", env=env),
        cli.run("generate-token", "--secret-stdin", input=SENTINEL + "\n"),
        cli.run("--log-level", "debug", "generate-token", env=env),
        cli.run("--log-level", "debug", "start-conversation", "--secret-file", path),
        cli.run("send", "--conversation", cid, "--text", "x", env=env),
        cli.run("--log-level", "debug", "listen", "--conversation", cid, "--wait", "1", env=env),
        cli.run("--log-level", "debug", "refresh-token", "--token", SENTINEL),
        cli.run("--log-level", "debug", "send", "--conversation", cid, "--text", "x", "--token", SENTINEL),
        cli.run("--endpoint", dead, "--retries", "1", "--log-level", "debug", "generate-token", env=env),
        cli.run("--endpoint", dead, "--retries", "1", "start-conversation", "--token", SENTINEL),
    ]
    add_fault(cli.emulator, "route=generate,status=500")
    runs.append(cli.run("--retries", "2", "--log-level", "debug", "generate-token", env=env))
    clear_faults(cli.emulator)
    return runs


def test_sentinel_secret_never_printed_by_failing_runs(cli: Cli, tmp_path: Path) -> None:
    runs = failing_runs(cli, tmp_path)
    for r in runs:
        assert r.returncode != 0, r.args
        assert r.stderr.strip(), r.args  # each failure says why ...
        assert SENTINEL not in r.stdout, r.args  # ... without the credential
        assert SENTINEL not in r.stderr, (r.args, r.stderr)
        assert SENTINEL[:12] not in r.stderr, (r.args, r.stderr)


def test_real_secret_not_printed_on_failure(cli: Cli) -> None:
    add_fault(cli.emulator, "route=start,status=500")
    r = cli.run("--retries", "1", "--log-level", "debug", "start-conversation", env=cli.secret_env())
    assert r.returncode == EXIT["server"], r.stderr
    assert cli.emulator.secret not in r.stdout + r.stderr
