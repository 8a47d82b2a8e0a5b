"""python -m directline: the native CLI's subcommands, flags, output and exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List, Optional

import pytest

from conftest import SECRET, add_fault, bot_says
from support.emulator import Emulator


def cli(emulator: Emulator, *args: str, secret: Optional[str] = SECRET,
        stdin: Optional[str] = None, api: str = "3.0", timeout: float = 30) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTLINE_")}
    if secret is not None:
        env["DIRECTLINE_SECRET"] = secret
    endpoint = emulator.v3 if api == "3.0" else emulator.v1
    return subprocess.run([sys.executable, "-m", "directline", "--endpoint", endpoint,
                           "--api", api, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=timeout)


def ok_json(result: "subprocess.CompletedProcess[str]") -> Dict[str, Any]:
    assert result.returncode == 0, result.stderr
    value: Dict[str, Any] = json.loads(result.stdout)
    return value


def test_generate_start_send_activities_end(emulator: Emulator) -> None:
    token = ok_json(cli(emulator, "generate-token", "--user-id", "dl_cli"))
    assert set(token) == {"conversationId", "token", "expires_in"}
    started = ok_json(cli(emulator, "start-conversation", "--token", token["token"]))
    assert started["conversationId"] == token["conversationId"] and "streamUrl" in started
    conv = started["conversationId"]
    sent = ok_json(cli(emulator, "send", "--conversation", conv, "hello", "there"))
    assert sent["id"].startswith(conv)
    got = ok_json(cli(emulator, "activities", "--conversation", conv))
    texts = [a.get("text") for a in got["activities"]]
    assert "hello there" in texts and "echo: hello there" in texts
    refreshed = ok_json(cli(emulator, "refresh-token", "--token", token["token"]))
    assert refreshed["conversationId"] == conv and refreshed["token"] != token["token"]
    reconnected = ok_json(cli(emulator, "reconnect", "--conversation", conv, "--watermark", "1"))
    assert reconnected["streamUrl"]
    ended = ok_json(cli(emulator, "end", "--conversation", conv))
    assert ended["id"]


def test_secret_from_file_and_stdin(emulator: Emulator, tmp_path: Any) -> None:
    path = tmp_path / "secret"
    path.write_text(SECRET + "\n")
    path.chmod(0o600)
    assert ok_json(cli(emulator, "generate-token", "--secret-file", str(path), secret=None))
    assert ok_json(cli(emulator, "generate-token", "--secret-stdin", secret=None,
                       stdin=SECRET + "\n"))
    assert ok_json(cli(emulator, "generate-token", "--secret-file", "-", secret=None,
                       stdin=SECRET + "\n"))


def test_upload_and_send_activity_json(emulator: Emulator, tmp_path: Any) -> None:
    conv = ok_json(cli(emulator, "start-conversation"))["conversationId"]
    f = tmp_path / "note.txt"
    f.write_text("file body")
    up = ok_json(cli(emulator, "upload", "--conversation", conv, "--file", str(f),
                     "--text", "see file"))
    posted = ok_json(cli(emulator, "send", "--conversation", conv, "--activity",
                         '{"type":"event","name":"ping","value":{"n":1}}'))
    got = ok_json(cli(emulator, "activities", "--conversation", conv))
    by_id = {a["id"]: a for a in got["activities"]}
    assert by_id[up["id"]]["attachments"][0]["name"] == "note.txt"
    assert by_id[up["id"]]["attachments"][0]["contentType"] == "text/plain"
    assert by_id[posted["id"]]["name"] == "ping" and by_id[posted["id"]]["from"]["id"] == "user1"


def test_listen_from_start_with_max(emulator: Emulator) -> None:
    conv = ok_json(cli(emulator, "start-conversation"))["conversationId"]
    bot_says(emulator, conv, {"count": 3, "text": "m"})
    result = cli(emulator, "listen", "--conversation", conv, "--from-start", "--max", "2",
                 "--wait", "5")
    assert result.returncode == 0, result.stderr
    lines: List[Dict[str, Any]] = [json.loads(x) for x in result.stdout.splitlines()]
    assert [a["text"] for a in lines] == ["m 1", "m 2"]
    # Nothing new arrives: --max not reached within --wait -> exit 12 (timeout).
    waited = cli(emulator, "listen", "--conversation", conv, "--max", "1", "--wait", "0.5")
    assert waited.returncode == 12 and waited.stdout == ""


def test_chat_prints_replies(emulator: Emulator) -> None:
    result = cli(emulator, "chat", "--wait", "10", stdin="hi\nhow are you\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["echo: hi", "echo: how are you"]
    assert "conversation" in result.stderr


def test_v1_send(emulator: Emulator) -> None:
    conv = ok_json(cli(emulator, "start-conversation", api="1.1"))["conversationId"]
    assert ok_json(cli(emulator, "send", "--conversation", conv, "--text", "v1", api="1.1")) == {}
    got = ok_json(cli(emulator, "activities", "--conversation", conv, api="1.1"))
    assert "messages" in got


@pytest.mark.parametrize("args,code", [
    (["generate-token"], 4),                                    # wrong secret: 403
    (["activities", "--conversation", "nope0000000000000000"], 6),  # 404 (with the real secret)
    (["bogus-command"], 2),
    (["send", "--conversation", "x"], 2),                       # nothing to send
    (["generate-token", "--token", "t"], 2),                    # --token does not apply
    ([], 2),
])
def test_exit_codes(emulator: Emulator, args: List[str], code: int) -> None:
    secret = "wrong-secret" if code == 4 else SECRET
    result = cli(emulator, *args, secret=secret)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert secret not in result.stderr and secret not in result.stdout
    if code != 2 or args:
        assert result.stderr.startswith("directline: ")


def test_throttled_message_format(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,status=429,retry_after=3")
    result = cli(emulator, "--retries", "1", "generate-token")
    assert result.returncode == 8
    assert "(DL_ETHROTTLED, HTTP 429, InjectedFault, retry after 3 s)" in result.stderr


def test_help_and_version(emulator: Emulator) -> None:
    result = cli(emulator, "--help")
    assert result.returncode == 0 and "generate-token" in result.stdout
    result = cli(emulator, "listen", "--help")
    assert result.returncode == 0 and "--from-start" in result.stdout
    result = cli(emulator, "--version")
    assert result.returncode == 0 and result.stdout.startswith("directline 0.")


def test_listen_interrupted_exits_130(emulator: Emulator) -> None:
    import signal
    import time
    conv = ok_json(cli(emulator, "start-conversation"))["conversationId"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTLINE_")}
    env["DIRECTLINE_SECRET"] = SECRET
    proc = subprocess.Popen([sys.executable, "-m", "directline", "--endpoint", emulator.v3,
                             "listen", "--conversation", conv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        assert "listening to conversation" in proc.stderr.readline()
        bot_says(emulator, conv, {"count": 1, "text": "live"})
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline())["text"] == "live 1"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 130
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_debug_log_never_shows_secret_or_token(emulator: Emulator) -> None:
    result = cli(emulator, "--log-level", "debug", "start-conversation")
    started = ok_json(result)
    conv = started["conversationId"]
    sent = cli(emulator, "--log-level", "debug", "--token", started["token"], "send",
               "--conversation", conv, "--text", "hi", secret=None)
    assert sent.returncode == 0, sent.stderr
    for r in (result, sent):
        assert SECRET not in r.stderr and started["token"] not in r.stderr
    assert "debug" in result.stderr and "/activities" in sent.stderr  # the debug log ran
