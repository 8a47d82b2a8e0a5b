"""Every `directline` subcommand against a real emulator speaking Direct Line 1.1 (polling only).

Numbers in test names refer to the checklist in docs/protocol.md (section 6)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict

from clitools import EXIT, Cli, ndjson

FAST_POLL = ("--polling", "--poll-interval", "200")


def token_env(token: str) -> Dict[str, str]:
    return {"DIRECTLINE_TOKEN": token}


def test_75_generate_token_prints_the_token(cli_v1: Cli) -> None:
    out = cli_v1.ok("generate-token", env=cli_v1.secret_env())
    assert isinstance(out["token"], str) and out["token"]
    assert "streamUrl" not in out


def test_77_start_conversation_has_no_stream_url(cli_v1: Cli) -> None:
    out = cli_v1.start()
    assert out["conversationId"]
    assert "streamUrl" not in out


def test_77_start_with_generated_token(cli_v1: Cli) -> None:
    token = cli_v1.ok("generate-token", env=cli_v1.secret_env())
    out = cli_v1.ok("start-conversation", "--token", token["token"])
    assert out["conversationId"]


def test_78_refresh_token_renews_with_conversation(cli_v1: Cli) -> None:
    started = cli_v1.start()
    token = started.get("token") or cli_v1.ok("generate-token", env=cli_v1.secret_env())["token"]
    renewed = cli_v1.ok("refresh-token", "--token", token, "--conversation", started["conversationId"])
    assert renewed["token"] and renewed["token"] != token


def test_refresh_token_v1_needs_conversation(cli_v1: Cli) -> None:
    r = cli_v1.run("refresh-token", "--token", "x")
    assert r.returncode == EXIT["usage"]
    assert "--conversation" in r.stderr


def test_79_send_returns_no_id_and_80_activities_lists_messages(cli_v1: Cli) -> None:
    started = cli_v1.start()
    cid = started["conversationId"]
    out = cli_v1.ok("send", "--conversation", cid, "--text", "hello", env=cli_v1.secret_env())
    assert out == {}  # 1.1 answers 204 with no id
    page = cli_v1.ok("activities", "--conversation", cid, env=cli_v1.secret_env())
    assert [m["text"] for m in page["messages"]] == ["hello", "echo: hello"]
    assert page["messages"][0]["from"] == "user1"
    again = cli_v1.ok("activities", "--conversation", cid, "--watermark", page["watermark"],
                      env=cli_v1.secret_env())
    assert again["messages"] == [] and "watermark" in again


def test_81_upload_a_file(cli_v1: Cli, tmp_path: Path) -> None:
    started = cli_v1.start()
    cid = started["conversationId"]
    path = tmp_path / "pic.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n fake")
    assert cli_v1.ok("upload", "--conversation", cid, "--file", str(path), "--text", "a picture",
                     env=cli_v1.secret_env()) == {}
    page = cli_v1.ok("activities", "--conversation", cid, env=cli_v1.secret_env())
    assert any(m.get("text") == "a picture" for m in page["messages"]), page


def test_listen_v1_by_polling(cli_v1: Cli) -> None:
    started = cli_v1.start()
    cid = started["conversationId"]
    cli_v1.ok("send", "--conversation", cid, "--text", "poll me", env=cli_v1.secret_env())
    r = cli_v1.run("listen", "--conversation", cid, "--from-start", "--max", "2", "--wait", "10",
                   *FAST_POLL, env=cli_v1.secret_env())
    assert r.returncode == 0, r.stderr
    assert [m["text"] for m in ndjson(r.stdout)] == ["poll me", "echo: poll me"]


def test_listen_v1_new_messages(cli_v1: Cli) -> None:
    started = cli_v1.start()
    cid = started["conversationId"]
    cli_v1.ok("send", "--conversation", cid, "--text", "before", env=cli_v1.secret_env())
    proc = cli_v1.popen("listen", "--conversation", cid, "--skip-own", "--max", "1", "--wait", "15",
                        *FAST_POLL, env=cli_v1.secret_env())
    try:
        assert proc.stderr is not None
        assert "listening to conversation" in proc.stderr.readline()
        cli_v1.ok("send", "--conversation", cid, "--text", "after", env=cli_v1.secret_env())
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert [m["text"] for m in ndjson(out)] == ["echo: after"]


def test_chat_v1(cli_v1: Cli) -> None:
    r = cli_v1.run("chat", *FAST_POLL, input="hi there\n", env=cli_v1.secret_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["echo: hi there"]


def test_end_v1(cli_v1: Cli) -> None:
    started = cli_v1.start()
    r = cli_v1.run("end", "--conversation", started["conversationId"], env=cli_v1.secret_env())
    assert r.returncode == 0, r.stderr
