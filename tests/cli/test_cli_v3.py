"""Every `directline` subcommand against a real emulator speaking Direct Line 3.0.

Numbers in test names refer to the checklist in docs/protocol.md (section 6)."""
from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, List

from clitools import EXIT, Cli, admin, ndjson


def token_env(token: str) -> Dict[str, str]:
    return {"DIRECTLINE_TOKEN": token}


def wait_until_listening(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Waits for listen/chat's stderr line saying receiving has begun."""
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "listening to conversation" in line:
            return
    proc.kill()
    raise AssertionError("listen did not report that it was listening")


def texts(activities: List[dict]) -> List[str]:
    return [a.get("text") for a in activities]


def test_04_generate_token_prints_wire_fields(cli: Cli) -> None:
    out = cli.ok("generate-token", env=cli.secret_env())
    assert list(out) == ["conversationId", "token", "expires_in"]
    assert out["conversationId"] and out["token"]
    assert out["expires_in"] == 1800
    assert "streamUrl" not in out


def test_05_generate_token_with_user(cli: Cli) -> None:
    out = cli.ok("generate-token", "--user-id", "dl_cli", "--user-name", "Ann",
                 "--trusted-origin", "https://a.example", env=cli.secret_env())
    conversation = cli.ok("start-conversation", env=token_env(out["token"]))
    cli.ok("send", "--conversation", conversation["conversationId"], "--user-id", "other",
           "--text", "who", env=token_env(out["token"]))
    page = cli.ok("activities", "--conversation", conversation["conversationId"],
                  env=token_env(out["token"]))
    own = [a for a in page["activities"] if a.get("text") == "who"]
    assert own and own[0]["from"]["id"] == "dl_cli"  # the token's user wins (item 35)


def test_16_start_conversation_with_secret(cli: Cli) -> None:
    out = cli.start()
    assert out["conversationId"]
    assert "/v3/directline/conversations/" + out["conversationId"] + "/stream" in out["streamUrl"]
    assert "t=" in out["streamUrl"]


def test_18_start_conversation_with_generated_token_keeps_its_id(cli: Cli) -> None:
    token = cli.ok("generate-token", env=cli.secret_env())
    out = cli.ok("start-conversation", "--token", token["token"])
    assert out["conversationId"] == token["conversationId"]
    assert out["token"] and out["streamUrl"]
    again = cli.ok("start-conversation", "--token", token["token"])  # item 19: 200, same id
    assert again["conversationId"] == token["conversationId"]


def test_08_refresh_token_returns_new_token_that_works(cli: Cli) -> None:
    token = cli.ok("generate-token", env=cli.secret_env())
    started = cli.ok("start-conversation", "--token", token["token"])
    refreshed = cli.ok("refresh-token", "--token", started["token"])
    assert refreshed["conversationId"] == token["conversationId"]
    assert refreshed["token"] != started["token"]
    assert refreshed["expires_in"] > 0
    sent = cli.ok("send", "--conversation", refreshed["conversationId"], "--text", "after refresh",
                  env=token_env(refreshed["token"]))
    assert sent["id"]


def test_23_reconnect_returns_a_new_stream_url(cli: Cli) -> None:
    started = cli.start()
    out = cli.ok("reconnect", "--conversation", started["conversationId"], "--watermark", "0",
                 env=token_env(started["token"]))
    assert out["conversationId"] == started["conversationId"]
    assert out["streamUrl"] and out["streamUrl"] != started["streamUrl"]


def test_27_send_text_returns_activity_id(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    out = cli.ok("send", "--conversation", cid, "--text", "hello", env=cli.secret_env())
    assert set(out) == {"id"} and out["id"].startswith(cid)
    # Positional words form the text too.
    out2 = cli.ok("send", "--conversation", cid, "two", "words", env=cli.secret_env())
    assert out2["id"] != out["id"]
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    assert "two words" in texts(page["activities"])


def test_29_send_activity_json_passes_fields_through(cli: Cli, tmp_path: Path) -> None:
    started = cli.start()
    cid = started["conversationId"]
    activity = {"type": "message", "text": "with data", "channelData": {"k": [1, 2]}}
    out = cli.ok("send", "--conversation", cid, "--activity", json.dumps(activity), env=cli.secret_env())
    assert out["id"]
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"type": "event", "name": "ping", "from": {"id": "u9"}}))
    assert cli.ok("send", "--conversation", cid, "--activity-file", str(path), env=cli.secret_env())["id"]
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    mine = [a for a in page["activities"] if a.get("text") == "with data"][0]
    assert mine["channelData"].pop("clientActivityID")  # added by the client to settle lost answers
    assert mine["channelData"] == {"k": [1, 2]}
    assert mine["from"]["id"] == "user1"  # --user-id default fills a missing "from"
    assert any(a["type"] == "event" and a["from"]["id"] == "u9" for a in page["activities"])


def test_37_activities_one_poll_and_38_watermark(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    cli.ok("send", "--conversation", cid, "--text", "hi", env=cli.secret_env())
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    assert texts(page["activities"]) == ["hi", "echo: hi"]
    assert all(a["type"] != "typing" for a in page["activities"])  # item 40
    newer = cli.ok("activities", "--conversation", cid, "--watermark", page["watermark"],
                   env=cli.secret_env())
    assert newer["activities"] == []
    cli.ok("send", "--conversation", cid, "--text", "more", env=cli.secret_env())
    newer = cli.ok("activities", "--conversation", cid, "--watermark", page["watermark"],
                   env=cli.secret_env())
    assert texts(newer["activities"]) == ["more", "echo: more"]


def test_58_upload_a_file(cli: Cli, tmp_path: Path) -> None:
    started = cli.start()
    cid = started["conversationId"]
    path = tmp_path / "notes.txt"
    path.write_bytes(b"some notes\n")
    out = cli.ok("upload", "--conversation", cid, "--file", str(path), env=cli.secret_env())
    assert out["id"]
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    uploaded = [a for a in page["activities"] if a.get("attachments")]
    assert uploaded, page
    attachment = uploaded[0]["attachments"][0]
    assert attachment["name"] == "notes.txt"
    assert attachment["contentType"] == "text/plain"
    assert attachment["contentUrl"]


def test_59_upload_two_files_with_text(cli: Cli, tmp_path: Path) -> None:
    started = cli.start()
    cid = started["conversationId"]
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n fake")
    (tmp_path / "b.json").write_text("{}")
    out = cli.ok("upload", "--conversation", cid, "--file", str(tmp_path / "a.png"),
                 "--file", str(tmp_path / "b.json"), "--text", "two files", env=cli.secret_env())
    assert out["id"]
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    uploaded = [a for a in page["activities"] if a.get("text") == "two files"][0]
    assert [(x["name"], x["contentType"]) for x in uploaded["attachments"]] == \
        [("a.png", "image/png"), ("b.json", "application/json")]


def test_66_end_then_67_send_is_refused(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    out = cli.ok("end", "--conversation", cid, env=cli.secret_env())
    assert out["id"]
    refused = cli.run("send", "--conversation", cid, "--text", "late", env=cli.secret_env())
    assert refused.returncode == EXIT["ended"], refused.stderr  # 403 NotAllowed = ended
    assert "(DL_EENDED, HTTP 403, NotAllowed)" in refused.stderr
    # Reading still works, and shows the endOfConversation.
    page = cli.ok("activities", "--conversation", cid, env=cli.secret_env())
    assert page["activities"][-1]["type"] == "endOfConversation"


def test_listen_from_start_and_skip_own(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    cli.ok("send", "--conversation", cid, "--text", "one", env=cli.secret_env())
    r = cli.run("listen", "--conversation", cid, "--from-start", "--max", "2", "--wait", "10",
                env=cli.secret_env())
    assert r.returncode == 0, r.stderr
    assert texts(ndjson(r.stdout)) == ["one", "echo: one"]
    r = cli.run("listen", "--conversation", cid, "--from-start", "--skip-own", "--max", "1",
                "--wait", "10", env=cli.secret_env())
    assert r.returncode == 0, r.stderr
    (reply,) = ndjson(r.stdout)
    assert reply["text"] == "echo: one" and reply["from"]["id"] == "bot"


def test_51_listen_prints_activities_as_they_arrive(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    env = token_env(started["token"])
    proc = cli.popen("listen", "--conversation", cid, "--type", "message", "--max", "2",
                     "--wait", "15", env=env)
    try:
        wait_until_listening(proc)
        sent = cli.ok("send", "--conversation", cid, "--text", "live", env=env)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    received = ndjson(out)
    assert texts(received) == ["live", "echo: live"]
    assert received[0]["id"] == sent["id"]
    assert received[1]["replyToId"] == sent["id"]


def test_54_listen_resumes_after_watermark(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    cli.ok("send", "--conversation", cid, "--text", "old", env=cli.secret_env())
    watermark = cli.ok("activities", "--conversation", cid, env=cli.secret_env())["watermark"]
    cli.ok("send", "--conversation", cid, "--text", "new", env=cli.secret_env())
    r = cli.run("listen", "--conversation", cid, "--watermark", watermark, "--type", "message",
                "--max", "2", "--wait", "10", env=cli.secret_env())
    assert r.returncode == 0, r.stderr
    assert texts(ndjson(r.stdout)) == ["new", "echo: new"]


def test_57_listen_stops_when_the_bot_ends_the_conversation(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    proc = cli.popen("listen", "--conversation", cid, "--wait", "20", env=cli.secret_env())
    try:
        wait_until_listening(proc)
        admin(cli.emulator, f"/conversations/{cid}/end")
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert ndjson(out)[-1]["type"] == "endOfConversation"


def test_listen_ctrl_c_exits_130(cli: Cli) -> None:
    started = cli.start()
    proc = cli.popen("listen", "--conversation", started["conversationId"], env=cli.secret_env())
    try:
        wait_until_listening(proc)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == EXIT["interrupted"]


def test_listen_max_not_reached_within_wait_is_a_timeout(cli: Cli) -> None:
    started = cli.start()
    r = cli.run("listen", "--conversation", started["conversationId"], "--max", "3", "--wait", "1",
                env=cli.secret_env())
    assert r.returncode == EXIT["timeout"], r.stderr
    assert "DL_ETIMEOUT" in r.stderr


def test_listen_idle_wait_without_max_ends_cleanly(cli: Cli) -> None:
    started = cli.start()
    r = cli.run("listen", "--conversation", started["conversationId"], "--wait", "1",
                env=cli.secret_env())
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""


def test_chat_sends_each_line_and_prints_replies(cli: Cli) -> None:
    r = cli.run("chat", input="hello\n\nsecond line\n", env=cli.secret_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["echo: hello", "echo: second line"]
    assert "conversation" in r.stderr


def test_chat_in_an_existing_conversation_as_json(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    r = cli.run("chat", "--conversation", cid, "--json", input="json please\n",
                env=token_env(started["token"]), timeout=60)
    assert r.returncode == 0, r.stderr
    replies = [a for a in ndjson(r.stdout) if a["type"] == "message"]
    assert [a["text"] for a in replies] == ["echo: json please"]
    assert replies[0]["replyToId"].startswith(cid)


def test_chat_ctrl_c_while_waiting_for_input_exits_130(cli: Cli) -> None:
    proc = cli.popen("chat", env=cli.secret_env())  # stdin stays open: chat waits for a line
    try:
        assert proc.stderr is not None
        assert "conversation" in proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == EXIT["interrupted"]


def test_chat_ends_cleanly_when_the_bot_ends_the_conversation(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    proc = cli.popen("chat", "--conversation", cid, env=cli.secret_env())
    try:
        wait_until_listening(proc)
        admin(cli.emulator, f"/conversations/{cid}/end")
        proc.wait(timeout=20)  # stdin stays open: the end alone must stop it
        assert proc.stderr is not None
        err = proc.stderr.read()
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "has ended" in err


def test_listen_by_polling_on_3_0(cli: Cli) -> None:
    started = cli.start()
    cid = started["conversationId"]
    proc = cli.popen("listen", "--conversation", cid, "--polling", "--poll-interval", "200",
                     "--type", "message", "--max", "2", "--wait", "15", env=cli.secret_env())
    try:
        wait_until_listening(proc)
        cli.ok("send", "--conversation", cid, "--text", "polled", env=cli.secret_env())
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert texts(ndjson(out)) == ["polled", "echo: polled"]
