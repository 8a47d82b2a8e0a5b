"""The command line: every flag in both forms, usage and exit codes (bad flags: 2, --help: 0)."""
from __future__ import annotations

import subprocess

import pytest

from emulator import Emulator, emulator_binary
from helpers import DirectLine


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([emulator_binary(), *args], capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_goes_to_stderr_and_exits_0(flag):
    proc = run(flag)
    assert proc.returncode == 0
    assert proc.stdout == ""  # stdout carries only the "listening on" line
    for documented in ("--secret", "--secret-file", "--bot", "--fault", "--admin", "--threads",
                       "--agent-schema", "--stream-delay", "--log-level", "--tls-cert"):
        assert documented in proc.stderr, documented


@pytest.mark.parametrize("args", [
    ["--port", "notanumber"], ["--port", "65536"], ["--port", "0x10"], ["--port", "+5"],
    ["--token-ttl", "-1"], ["--token-ttl=0"], ["--stream-url-ttl", "x"], ["--keepalive", "86401"],
    ["--bot", "ftp://x"], ["--bot-timeout", "0"], ["--bot-timeout-status", "503"],
    ["--v1-bot-error-status", "501"], ["--collision", "both"], ["--no-such-flag"],
    ["--secret-file", "/nonexistent/file"], ["--fault", "route=nowhere,status=500"],
    ["--fault", "route=any"], ["--seed", "-3"], ["--idle-evict", "0"], ["--threads", "0"],
    ["--threads", "257"], ["--log-level", "loud"], ["--tls-cert", "only-cert.pem"],
    ["--secret", ""], ["positional"], ["--port"], ["--stream-delay", "10001"],
    ["--agent-schema", ""], ["--agent-schema", "bad/schema"], ["--agent-schema", "a b"],
])
def test_bad_flags_print_usage_and_exit_2(args):
    proc = run("--secret", "s", *args)
    assert proc.returncode == 2, (args, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.startswith("directline-emulator: ")
    assert "Usage:" in proc.stderr


def test_missing_secret_exits_2():
    proc = run("--port", "0")
    assert proc.returncode == 2
    assert "secret" in proc.stderr.splitlines()[0]


def test_equals_form_repeats_and_last_value_wins(tmp_path):
    secrets = tmp_path / "secrets.txt"
    secrets.write_text("from-file\n\n  padded  \n")
    with Emulator("--secret=second", f"--secret-file={secrets}", "--token-ttl", "5",
                  "--token-ttl=77", "--log-level=error", "--collision=older",
                  "--fault=route=sessionid,status=503", "--fault", "route=refresh,status=500",
                  secrets=("first",)) as emulator:
        client = DirectLine(emulator)
        for secret in ("first", "second", "from-file", "padded"):
            started = client.start(secret)
            assert started.status_code == 201, secret
        assert started.json()["expires_in"] == 77
        assert client.http.get(f"{client.v3}/session/getsessionid",
                               headers={"Authorization": "Bearer first"}).status_code == 503
        assert client.refresh(started.json()["token"]).status_code == 500
