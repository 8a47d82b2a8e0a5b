"""The wheel's command-line client: the native CLI inside the package (directline/bin/directline),
the `directline` script that runs it, and `python -m directline` (arguments, output, exit codes
and signals unchanged). The CLI's own behaviour is tested in tests/cli."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import directline
from conftest import SECRET
from directline.__main__ import executable
from support.emulator import Emulator


@pytest.fixture(scope="module")
def script() -> Path:
    """The installed `directline` script (from the wheel's RECORD, whatever the scheme)."""
    try:
        files = metadata.distribution("directline").files or []
    except metadata.PackageNotFoundError:
        files = []
    found = [Path(str(f.locate())) for f in files if f.name == "directline" and f.parts[0] != "directline"]
    if not found:
        if os.environ.get("DIRECTLINE_EXPECT_INSTALLED") == "1":  # scripts/test-python.sh
            pytest.fail("the installed wheel has no directline script")
        pytest.skip("directline is not installed as a wheel here (source tree)")
    return found[0]


LAUNCHERS = ["script", "python -m"]


def command(launcher: str, script: Path) -> List[str]:
    return [str(script)] if launcher == "script" else [sys.executable, "-m", "directline"]


def run(launcher: str, script: Path, emulator: Emulator, *args: str,
        secret: Optional[str] = SECRET) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTLINE_")}
    if secret is not None:
        env["DIRECTLINE_SECRET"] = secret
    return subprocess.run([*command(launcher, script), "--endpoint", emulator.v3, *args],
                          capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)


def ok_json(result: "subprocess.CompletedProcess[str]") -> Dict[str, Any]:
    assert result.returncode == 0, result.stderr
    value: Dict[str, Any] = json.loads(result.stdout)
    return value


def test_the_package_carries_the_native_cli_linked_to_its_own_library(script: Path) -> None:
    binary = executable()
    assert binary.read_bytes()[:4] == b"\x7fELF"
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in ldd.splitlines() if "libdirectline.so.1 =>" in x)
    loaded = Path(line.split("=>")[1].split("(")[0].strip()).resolve()
    assert loaded == binary.parent.parent / "libdirectline.so.1", ldd
    # The script is the installer's launcher for this environment's Python, not a copy of the CLI.
    first = script.read_text().splitlines()[0]
    assert first.startswith("#!") and "python" in first, first


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_version_is_the_packages(launcher: str, script: Path) -> None:
    result = subprocess.run([*command(launcher, script), "--version"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"directline {directline.__version__}\n"


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_a_round_trip_against_the_emulator(launcher: str, script: Path, emulator: Emulator) -> None:
    conversation = ok_json(run(launcher, script, emulator, "start-conversation"))["conversationId"]
    sent = ok_json(run(launcher, script, emulator, "send", "--conversation", conversation,
                       "hello", "there"))
    assert sent["id"].startswith(conversation)
    listened = run(launcher, script, emulator, "listen", "--conversation", conversation,
                   "--from-start", "--max", "2", "--wait", "10")
    assert listened.returncode == 0, listened.stderr
    texts = [json.loads(line)["text"] for line in listened.stdout.splitlines()]
    assert texts == ["hello there", "echo: hello there"]


@pytest.mark.parametrize("launcher", LAUNCHERS)
@pytest.mark.parametrize("args,secret,code", [
    (["generate-token"], "wrong-secret", 4),                          # 403
    (["activities", "--conversation", "nope0000000000000000"], SECRET, 6),  # 404
    (["bogus-command"], SECRET, 2),                                    # usage
    (["generate-token"], None, 2),                                     # no secret
])
def test_exit_codes_pass_through(launcher: str, script: Path, emulator: Emulator,
                                 args: List[str], secret: Optional[str], code: int) -> None:
    result = run(launcher, script, emulator, *args, secret=secret)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("directline: ")
    assert result.stdout == ""


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_signals_reach_the_cli(launcher: str, script: Path, emulator: Emulator) -> None:
    conversation = ok_json(run(launcher, script, emulator, "start-conversation"))["conversationId"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTLINE_")}
    env["DIRECTLINE_SECRET"] = SECRET
    proc = subprocess.Popen([*command(launcher, script), "--endpoint", emulator.v3,
                             "listen", "--conversation", conversation],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        assert "listening to conversation" in proc.stderr.readline()
        proc.send_signal(signal.SIGINT)  # the same process: the launcher replaced itself
        assert proc.wait(10) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
