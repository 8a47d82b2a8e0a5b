"""docs/protocol.md section 6, items 44-57: the WebSocket stream (3.0)."""
from __future__ import annotations

import time
import urllib.parse

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from emulator import Emulator
from helpers import (DirectLine, assert_no_activity, message, next_activities, next_set,
                     open_stream, wait_closed)


def without_query(url: str, key: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != key]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def with_query(url: str, key: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != key] + [(key, value)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def test_44_stream_opens_without_authorization_header(dl):
    started = dl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        assert ws.response.status_code == 101
        assert "Authorization" not in ws.request.headers


@pytest.mark.parametrize("variant", ["missing", "garbage", "empty", "other-token"])
def test_45_bad_stream_token_fails_handshake(dl, variant):
    started = dl.start_ok()
    url = started["streamUrl"]
    if variant == "missing":
        url = without_query(url, "t")
    elif variant == "garbage":
        url = with_query(url, "t", "garbage-token")
    elif variant == "empty":
        url = with_query(url, "t", "")
    else:  # the conversation token is not a stream token... unless the emulator says so;
        # a token of ANOTHER conversation must never open this stream.
        other = dl.start_ok()
        url = with_query(url, "t", urllib.parse.parse_qs(
            urllib.parse.urlsplit(other["streamUrl"]).query)["t"][0])
    with pytest.raises(InvalidStatus) as rejected:
        open_stream(url)
    status = rejected.value.response.status_code
    assert status == 403 or (status == 401 and variant in ("missing", "empty")), status


def test_45_expired_stream_token_fails_with_403(cdl):
    started = cdl.start_ok()
    cdl.advance_clock(started["expires_in"] + 1)
    with pytest.raises(InvalidStatus) as rejected:
        open_stream(started["streamUrl"])
    assert rejected.value.response.status_code == 403


def test_46_stream_url_expires_after_60s_and_reconnect_gives_a_fresh_one(cdl):
    started = cdl.start_ok()
    cdl.advance_clock(61)
    with pytest.raises(InvalidStatus) as rejected:
        open_stream(started["streamUrl"])
    assert rejected.value.response.status_code == 403
    fresh = cdl.reconnect(started["conversationId"]).json()["streamUrl"]
    with open_stream(fresh) as ws:
        assert ws.response.status_code == 101


def test_46_stream_url_works_just_inside_the_window(cdl):
    started = cdl.start_ok()
    cdl.advance_clock(55)
    with open_stream(started["streamUrl"]) as ws:
        assert ws.response.status_code == 101


def test_46_stream_url_ttl_flag():
    with Emulator("--admin", "--stream-url-ttl", "5") as emulator:
        client = DirectLine(emulator)
        started = client.start_ok()
        client.advance_clock(6)
        with pytest.raises(InvalidStatus) as rejected:
            open_stream(started["streamUrl"])
        assert rejected.value.response.status_code == 403


def test_47_frames_are_text_activity_sets_with_watermark(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        dl.post_ok(conversation, message("hi"))
        seen = 0
        while seen < 2:  # the user's echo and the bot's reply (typing in between)
            activity_set = next_set(ws)  # asserts the frame is text
            assert isinstance(activity_set["activities"], list) and activity_set["activities"]
            types = {a["type"] for a in activity_set["activities"]}
            if types != {"typing"}:
                assert isinstance(activity_set["watermark"], str), activity_set
                last_seq = int(activity_set["activities"][-1]["id"].split("|")[1])
                assert activity_set["watermark"] == str(last_seq), activity_set
                seen += len([a for a in activity_set["activities"] if a["type"] != "typing"])


def test_48_server_sends_empty_keepalive_frames():
    with Emulator("--keepalive", "1") as emulator:
        client = DirectLine(emulator)
        with open_stream(client.start_ok()["streamUrl"]) as ws:
            started = time.monotonic()
            frame = ws.recv(timeout=3)
            assert frame == "", frame
            assert time.monotonic() - started < 2.9


def test_48_keepalive_zero_sends_nothing():
    with Emulator("--keepalive", "0") as emulator:
        client = DirectLine(emulator)
        with open_stream(client.start_ok()["streamUrl"]) as ws:
            with pytest.raises(TimeoutError):
                ws.recv(timeout=1.5)


def test_49_client_empty_and_unknown_frames_are_ignored(dl):
    started = dl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        ws.send("")
        ws.send("")
        ws.send('{"activities":[{"type":"message","text":"ignored"}]}')
        ws.ping()
        posted_id = dl.post_ok(started["conversationId"], message("still open"))
        activities = next_activities(ws, 1)
        assert activities[0]["id"] == posted_id
    assert not any(a.get("text") == "ignored"
                   for a in dl.all_activities(started["conversationId"]))


def test_50_activities_before_socket_opened_are_delivered_first_in_order(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    dl.bot_says(conversation, 3, "early")
    with open_stream(started["streamUrl"]) as ws:
        posted_id = dl.post_ok(conversation, message("late"))
        activities = next_activities(ws, 5)
        assert [a.get("text") for a in activities] == [
            "early 1", "early 2", "early 3", "late", "echo: late"]
        assert activities[3]["id"] == posted_id


def test_51_user_activity_echoed_on_socket_with_post_id(dl):
    started = dl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        posted_id = dl.post_ok(started["conversationId"], message("mine"))
        activity = next_activities(ws, 1)[0]
        assert activity["id"] == posted_id and activity["text"] == "mine"


def test_52_typing_from_bot_delivered_on_socket(dl):
    started = dl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        dl.post_ok(started["conversationId"], message("hi"))
        activities = next_activities(ws, 3, include_typing=True)
        types = [a["type"] for a in activities]
        assert "typing" in types, types
        typing = activities[types.index("typing")]
        assert typing["from"]["id"] == "bot"
        # The echo bot sends typing before its reply.
        assert types.index("typing") < [a.get("text") for a in activities].index("echo: hi")


def test_typing_sent_right_after_the_handshake_is_not_lost(dl):
    # Typing is never replayed, so the socket must be registered before the 101 goes out.
    for _ in range(40):
        started = dl.start_ok()
        with open_stream(started["streamUrl"]) as ws:
            dl.post_ok(started["conversationId"], {"type": "typing", "from": {"id": "u1"}})
            first = next_set(ws)["activities"][0]
            assert first["type"] == "typing" and first["from"]["id"] == "u1", first


def test_56_typing_sets_carry_no_watermark(dl):
    started = dl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        dl.post_ok(started["conversationId"], message("hi"))
        for _ in range(5):
            activity_set = next_set(ws)
            if all(a["type"] == "typing" for a in activity_set["activities"]):
                assert activity_set.get("watermark") in (None,), activity_set
                return
        raise AssertionError("no typing-only set seen")


def test_53_second_socket_closes_newer_with_collision(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as first:
        second_url = dl.reconnect(conversation).json()["streamUrl"]
        try:
            second = open_stream(second_url)
        except InvalidStatus as rejected:  # refusing the handshake would also be "closed"
            raise AssertionError(f"second socket handshake refused: {rejected}")
        closed = wait_closed(second)
        assert closed.rcvd is not None and closed.rcvd.reason == "collision", closed
        # The older socket keeps working.
        posted_id = dl.post_ok(conversation, message("after collision"))
        assert next_activities(first, 1)[0]["id"] == posted_id


def test_53_collision_older_closes_the_first_socket():
    with Emulator("--collision", "older") as emulator:
        client = DirectLine(emulator)
        started = client.start_ok()
        conversation = started["conversationId"]
        first = open_stream(started["streamUrl"])
        with open_stream(client.reconnect(conversation).json()["streamUrl"]) as second:
            closed = wait_closed(first)
            assert closed.rcvd is not None and closed.rcvd.reason == "collision"
            posted_id = client.post_ok(conversation, message("to newer"))
            assert next_activities(second, 1)[0]["id"] == posted_id


def test_54_reconnect_with_watermark_delivers_exactly_the_missed(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        dl.bot_says(conversation, 2, "seen")
        received = next_activities(ws, 2)
        watermark = str(int(received[-1]["id"].split("|")[1]))
        dl.admin_ok("POST", f"conversations/{conversation}/drop-stream")
        closed = wait_closed(ws)
        assert closed.rcvd is None or closed.rcvd.code in (1000, 1001)
    missed = dl.bot_says(conversation, 3, "missed")
    url = dl.reconnect(conversation, watermark=watermark).json()["streamUrl"]
    with open_stream(url) as ws:
        activities = next_activities(ws, 3)
        assert [a["id"] for a in activities] == missed
        assert_no_activity(ws, 0.3)
        live = dl.bot_says(conversation, 1, "live")
        assert next_activities(ws, 1)[0]["id"] == live[0]


def test_55_reconnect_without_watermark_delivers_only_new(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    dl.bot_says(conversation, 3, "old")
    dl.post_ok(conversation, message("old user"))
    dl.poll_until(conversation, lambda acts: any(a.get("text") == "echo: old user" for a in acts))
    url = dl.reconnect(conversation).json()["streamUrl"]
    with open_stream(url) as ws:
        assert_no_activity(ws, 0.3)
        new = dl.bot_says(conversation, 1, "new")
        activities = next_activities(ws, 1)
        assert activities[0]["id"] == new[0]


def test_57_bot_end_delivers_end_of_conversation_then_closes(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        dl.admin_ok("POST", f"conversations/{conversation}/end")
        activity = next_activities(ws, 1)[0]
        assert activity["type"] == "endOfConversation"
        closed = wait_closed(ws)
        assert closed.rcvd is not None and closed.rcvd.code in (1000, 1001), closed


def test_57_stream_to_ended_conversation_is_closed_or_refused(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    dl.admin_ok("POST", f"conversations/{conversation}/end")
    url = dl.reconnect(conversation, watermark="0")
    if url.status_code != 200:  # refusing reconnect to an ended conversation is also fine
        assert url.status_code in (403, 404)
        return
    try:
        ws = open_stream(url.json()["streamUrl"])
    except InvalidStatus:
        return
    with ws:
        # Replays from watermark 0: the end is not lost for a late client.
        activity = next_activities(ws, 1)[0]
        assert activity["type"] == "endOfConversation"


def test_stream_close_by_client_is_clean(dl):
    started = dl.start_ok()
    ws = open_stream(started["streamUrl"])
    ws.close()
    # The emulator forgets the socket: a new one opens without collision.
    url = dl.reconnect(started["conversationId"]).json()["streamUrl"]
    with open_stream(url) as again:
        posted_id = dl.post_ok(started["conversationId"], message("x"))
        assert next_activities(again, 1)[0]["id"] == posted_id


def test_stream_survives_many_activities(dl):
    started = dl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        ids = dl.bot_says(conversation, 300, "bulk")
        activities = next_activities(ws, 300, timeout=10)
        assert [a["id"] for a in activities] == ids


def test_many_sockets_each_get_their_own_activities(dl):
    conversations = [dl.start_ok() for _ in range(100)]
    sockets = [open_stream(c["streamUrl"]) for c in conversations]
    try:
        ids = [dl.bot_says(c["conversationId"], 2, f"to {c['conversationId']}")
               for c in conversations]
        for ws, conversation, expected in zip(sockets, conversations, ids):
            activities = next_activities(ws, 2)
            assert [a["id"] for a in activities] == expected
            assert all(a["conversation"]["id"] == conversation["conversationId"]
                       for a in activities)
    finally:
        for ws in sockets:
            ws.close()
