"""The shared behaviour test (the same steps run in every language), plus the
rest of the conversation API, against a real emulator. Numbers in test names
are docs/protocol.md section 6 items."""
from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import directline
from conftest import SECRET, admin, bot_says, receive_until


def is_echo_of(text: str):  # type: ignore[no-untyped-def]
    return lambda a: a.get("type") == "message" and a.get("text") == f"echo: {text}"


def test_shared_behaviour(client: directline.Client) -> None:
    # generate -> start with the token (201) -> start again (200)
    token = client.generate_token(SECRET, user_id="dl_alice", user_name="Alice")
    assert token.token and token.conversation_id and token.expires_in == 1800
    with client.start_conversation(token) as conversation:
        assert conversation.is_new
        assert conversation.id == token.conversation_id
        assert conversation.stream_url and "/stream" in conversation.stream_url
        with client.start_conversation(token.token) as again:
            assert not again.is_new
            assert again.id == conversation.id

        # send, receive the own echo and the bot's reply
        sent = conversation.send_message("hello", user_id="dl_alice")
        assert sent and sent.startswith(conversation.id + "|")
        own = receive_until(conversation, lambda a: a.get("id") == sent)
        assert conversation.is_own(own) and own["text"] == "hello"
        reply = receive_until(conversation, is_echo_of("hello"))
        assert reply["replyToId"] == sent and not conversation.is_own(reply)
        assert reply["from"]["id"] == "bot"
        assert conversation.watermark is not None

        # refresh: a new token, used from then on
        old = conversation.token
        conversation.refresh_token()
        assert conversation.token and conversation.token != old
        sent2 = conversation.send_message("after refresh", user_id="dl_alice")
        receive_until(conversation, is_echo_of("after refresh"))

        # reconnect: a fresh stream URL
        url = conversation.stream_url
        conversation.reconnect(conversation.watermark)
        assert conversation.stream_url and conversation.stream_url != url

        # upload
        uploaded = conversation.upload([("a.txt", b"hello file", "text/plain")],
                                       user_id="dl_alice")
        assert uploaded
        got = receive_until(conversation, lambda a: a.get("id") == uploaded)
        assert got["attachments"][0]["name"] == "a.txt"
        assert got["attachments"][0]["contentType"] == "text/plain"

        # end
        ended = conversation.end(user_id="dl_alice")
        assert ended and conversation.ended
        assert sent2 != ended


def test_04_generate_token_without_user(client: directline.Client) -> None:
    token = client.generate_token(SECRET)
    assert token.conversation_id and token.expires_in == 1800
    assert "redacted" in repr(token) and token.token not in repr(token)


def test_08_refresh_token_keeps_conversation(client: directline.Client) -> None:
    token = client.generate_token(SECRET)
    refreshed = client.refresh_token(token)
    assert refreshed.conversation_id == token.conversation_id
    assert refreshed.token != token.token and refreshed.expires_in > 0


def test_17_secret_start_gives_new_conversations(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as a, client.start_conversation(SECRET) as b:
        assert a.is_new and b.is_new and a.id != b.id


def test_27_post_activity_returns_id_and_preserves_fields(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        activity: Dict[str, Any] = {"type": "message", "from": {"id": "u1"}, "text": "hi ✓",
                                    "channelData": {"k": [1, 2, {"x": None}]}}
        sent = conversation.post_activity(activity)
        assert isinstance(sent, str) and sent
        own = receive_until(conversation, lambda a: a.get("id") == sent)
        assert own["text"] == "hi ✓"  # 69: unknown/extra fields preserved
        # 29: kept, plus the clientActivityID the client adds to settle lost answers
        assert own["channelData"].pop("clientActivityID")
        assert own["channelData"] == activity["channelData"]


def test_37_get_activities_and_watermark(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        sent = conversation.send_message("poll me", user_id="u1")
        receive_until(conversation, is_echo_of("poll me"))
        everything = conversation.get_activities()
        ids = [a["id"] for a in everything["activities"]]
        assert sent in ids and all(a["type"] != "typing" for a in everything["activities"])
        newer = conversation.get_activities(everything["watermark"])  # 38
        assert newer["activities"] == []


def test_54_reconnect_after_drop_loses_nothing(client: directline.Client,
                                               emulator: Any) -> None:
    with client.start_conversation(SECRET) as conversation:
        conversation.send_message("one", user_id="u1")
        receive_until(conversation, is_echo_of("one"))
        admin(emulator, "POST", f"/admin/conversations/{conversation.id}/drop-stream")
        bot_says(emulator, conversation.id, {"count": 5, "text": "msg"})
        texts = [receive_until(conversation, lambda a: a.get("type") == "message")["text"]
                 for _ in range(5)]
        assert texts == [f"msg {i}" for i in range(1, 6)]  # 83/84: in order, exactly once
        assert conversation.next_activity(timeout=0.3) is None


def test_57_bot_end_stops_iteration(client: directline.Client, emulator: Any) -> None:
    with client.start_conversation(SECRET) as conversation:
        bot_says(emulator, conversation.id, {"count": 2, "text": "bye"})
        admin(emulator, "POST", f"/admin/conversations/{conversation.id}/end")
        received = [a for a in conversation]  # iteration ends with the conversation
        assert [a["type"] for a in received if a["type"] != "typing"] == \
            ["message", "message", "endOfConversation"]
        assert conversation.ended
        assert conversation.next_activity(timeout=0.1) is None


def test_59_upload_multipart_with_activity(client: directline.Client, tmp_path: Any) -> None:
    path = tmp_path / "pic.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with client.start_conversation(SECRET) as conversation:
        uploaded = conversation.upload(
            [path, directline.UploadFile("b.bin", b"\x00\x01\x02")], user_id="u1",
            activity={"type": "message", "from": {"id": "u1"}, "text": "two files"})
        got = receive_until(conversation, lambda a: a.get("id") == uploaded)
        assert got["text"] == "two files"
        names = [(x["name"], x["contentType"]) for x in got["attachments"]]
        assert names == [("pic.png", "image/png"), ("b.bin", "application/octet-stream")]


def test_export_and_resume_delivers_exactly_what_was_missed(client: directline.Client,
                                                            emulator: Any) -> None:
    token = client.generate_token(SECRET)
    with client.start_conversation(token) as conversation:
        conversation.send_message("before", user_id="u1")
        receive_until(conversation, is_echo_of("before"))
        state = conversation.export_state()
        assert SECRET not in state
        assert json.loads(state)["conversationId"] == conversation.id
    bot_says(emulator, conversation.id, {"count": 3, "text": "missed"})
    with client.resume_conversation(state) as resumed:
        assert resumed.id == conversation.id
        texts = [receive_until(resumed, lambda a: a.get("type") == "message")["text"]
                 for _ in range(3)]
        assert texts == ["missed 1", "missed 2", "missed 3"]


def test_open_conversation_with_watermark(client: directline.Client, emulator: Any) -> None:
    with client.start_conversation(SECRET) as conversation:
        bot_says(emulator, conversation.id, {"count": 2, "text": "old"})
        first = conversation.get_activities()
    bot_says(emulator, conversation.id, {"count": 1, "text": "new"})
    with client.open_conversation(SECRET, conversation.id, first["watermark"]) as opened:
        got = receive_until(opened, lambda a: a.get("type") == "message")
        assert got["text"] == "new 1"


def test_polling_mode_receives(emulator: Any) -> None:
    with directline.Client(emulator.v3, receive_mode="polling", polling_interval=0.1) as c:
        with c.start_conversation(SECRET) as conversation:
            conversation.send_message("via polling", user_id="u1")
            receive_until(conversation, is_echo_of("via polling"))


def test_set_token(client: directline.Client) -> None:
    token = client.generate_token(SECRET)
    with client.start_conversation(token) as conversation:
        fresh = client.refresh_token(conversation.token or "")
        conversation.set_token(fresh.token)
        assert conversation.token == fresh.token
        assert conversation.send_message("ok", user_id="u1")


def test_close_wakes_waiting_thread(client: directline.Client) -> None:
    import threading
    import time
    conversation = client.start_conversation(SECRET)
    result: Dict[str, Any] = {}

    def wait() -> None:
        result["activity"] = conversation.next_activity(timeout=30)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)
    started = time.monotonic()
    conversation.close()
    waiter.join(5)
    assert not waiter.is_alive() and time.monotonic() - started < 3
    assert result["activity"] is None and conversation.closed
    assert conversation.id  # still readable after close
    with pytest.raises(directline.ConversationClosedError):
        conversation.send_message("x")


# --- Direct Line 1.1 ------------------------------------------------------------------

def test_75_v1_generate_and_start(v1_client: directline.Client) -> None:
    token = v1_client.generate_token(SECRET)
    assert token.token
    with v1_client.start_conversation(SECRET) as conversation:
        assert conversation.id and conversation.stream_url is None  # 77


def test_79_v1_send_and_receive(v1_client: directline.Client) -> None:
    with v1_client.start_conversation(SECRET) as conversation:
        assert conversation.send_message("hello v1", user_id="user1") is None  # 204, no id
        reply = receive_until(conversation, lambda a: a.get("text") == "echo: hello v1")
        assert reply["from"] != "user1"
        messages = conversation.get_activities()  # 80
        assert "watermark" in messages
        assert [m["text"] for m in messages["messages"]][:1] == ["hello v1"]


def test_78_v1_renew_token(v1_client: directline.Client) -> None:
    with v1_client.start_conversation(SECRET) as conversation:
        assert conversation.token
        renewed = v1_client.refresh_token(conversation.token, conversation.id)
        assert renewed.token and renewed.token != conversation.token
