"""docs/protocol.md section 6: send (27, 33, 34), receive by GET (37-43), limits and misc (63-69),
against the built-in echo bot."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from helpers import HTTP_TIMEOUT, assert_error_response, bearer, message


@pytest.fixture
def conversation(dl) -> str:
    return dl.start_ok()["conversationId"]


def echo_arrived(text: str):
    return lambda acts: any(a.get("text") == f"echo: {text}" for a in acts)


def test_27_post_activity_returns_id(dl, conversation):
    response = dl.post_activity(conversation, message("hi"))
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    activity_id = response.json()["id"]
    assert isinstance(activity_id, str) and activity_id


def test_27_activity_ids_follow_the_contract_format(dl, conversation):
    first = dl.post_ok(conversation, message("one"))
    # The echo bot stores typing (not stored) and "echo: one" in between.
    second = dl.post_ok(conversation, message("two"))
    assert first == f"{conversation}|0000001"
    assert second.startswith(f"{conversation}|") and len(second.split("|")[1]) == 7
    assert int(second.split("|")[1]) > 1


def test_27_client_chosen_id_and_timestamp_are_replaced(dl, conversation):
    posted_id = dl.post_ok(conversation, message("mine", id="client-id",
                                                 timestamp="2001-01-01T00:00:00Z"))
    assert posted_id != "client-id" and posted_id.startswith(f"{conversation}|")
    stored = next(a for a in dl.all_activities(conversation) if a["id"] == posted_id)
    assert stored["timestamp"] != "2001-01-01T00:00:00Z"


def test_27_concurrent_posts_get_unique_consecutive_ids(dl, conversation):
    def post_many(worker: int) -> list:
        session = requests.Session()
        session.trust_env = False
        ids = []
        for i in range(20):
            response = session.post(f"{dl.v3}/conversations/{conversation}/activities",
                                    json=message(f"w{worker}-{i}"), headers=bearer(dl.secret),
                                    timeout=HTTP_TIMEOUT)
            assert response.status_code == 200, response.text
            ids.append(response.json()["id"])
        return ids

    with ThreadPoolExecutor(max_workers=8) as pool:
        posted = [i for ids in pool.map(post_many, range(8)) for i in ids]
    assert len(set(posted)) == 160
    activities = dl.poll_until(conversation, lambda acts: len(acts) >= 320, timeout=10)
    seqs = [int(a["id"].split("|")[1]) for a in activities]
    assert seqs == list(range(1, 321))  # posts and echoes, every seq exactly once, in order
    # Each worker's own posts keep their order.
    for worker in range(8):
        mine = [a["text"] for a in activities if a.get("text", "").startswith(f"w{worker}-")]
        assert mine == [f"w{worker}-{i}" for i in range(20)]


def test_33_post_to_unknown_conversation_returns_404(dl):
    response = dl.post_activity("NoSuchConversation0000000", message("hi"))
    assert_error_response(response, 404, "BadArgument")


@pytest.mark.parametrize("body", [b"{not json", b"", b"[]", b"42", b'"text"',
                                  b'{"from":{"id":"u1"},"text":"no type"}',
                                  b'{"type":"message","from":{"id":"u1"},"text":"x"',
                                  b'{"type":7,"from":{"id":"u1"}}',
                                  b"\xff\xfe\x00garbage"])
def test_34_invalid_json_or_missing_type_returns_400(dl, conversation, body):
    response = dl.http.post(f"{dl.v3}/conversations/{conversation}/activities", data=body,
                            headers={**bearer(dl.secret), "Content-Type": "application/json"},
                            timeout=HTTP_TIMEOUT)
    assert_error_response(response, 400)


def test_34_rejected_post_stores_nothing(dl, conversation):
    dl.http.post(f"{dl.v3}/conversations/{conversation}/activities", data=b"{bad",
                 headers={**bearer(dl.secret), "Content-Type": "application/json"},
                 timeout=HTTP_TIMEOUT)
    assert dl.all_activities(conversation) == []


def test_37_get_without_watermark_returns_user_message_and_reply_in_order(dl, conversation):
    posted_id = dl.post_ok(conversation, message("hi"))
    activities = dl.poll_until(conversation, echo_arrived("hi"))
    body = dl.activity_set(conversation)
    assert isinstance(body["watermark"], str) and body["watermark"]
    assert activities[0]["id"] == posted_id
    user, reply = activities[0], activities[1]
    assert user["text"] == "hi" and user["from"]["id"] == "u1"
    assert reply["text"] == "echo: hi"
    assert reply["from"]["id"] == "bot"
    assert reply.get("replyToId") == posted_id


def test_37_watermark_is_the_seq_of_the_last_activity(dl, conversation):
    dl.post_ok(conversation, message("hi"))
    activities = dl.poll_until(conversation, echo_arrived("hi"))
    body = dl.activity_set(conversation)
    last_seq = int(activities[-1]["id"].split("|")[1])
    assert body["watermark"] == str(last_seq)


def test_38_get_with_watermark_returns_only_newer(dl, conversation):
    dl.post_ok(conversation, message("first"))
    dl.poll_until(conversation, echo_arrived("first"))
    watermark = dl.activity_set(conversation)["watermark"]
    empty = dl.activity_set(conversation, watermark)
    assert empty["activities"] == []
    dl.post_ok(conversation, message("second"))
    dl.poll_until(conversation, echo_arrived("second"))
    newer = dl.activity_set(conversation, watermark)
    assert [a["text"] for a in newer["activities"]] == ["second", "echo: second"]
    assert int(newer["watermark"]) > int(watermark)


def test_38_get_pages_by_100(dl, conversation):
    dl.bot_says(conversation, 150, "msg")
    first = dl.activity_set(conversation)
    assert len(first["activities"]) == 100
    assert first["activities"][0]["text"] == "msg 1"
    second = dl.activity_set(conversation, first["watermark"])
    assert [a["text"] for a in second["activities"]] == [f"msg {i}" for i in range(101, 151)]
    assert dl.activity_set(conversation, second["watermark"])["activities"] == []


def test_39_replaying_old_watermark_is_idempotent(dl, conversation):
    dl.post_ok(conversation, message("one"))
    dl.poll_until(conversation, echo_arrived("one"))
    watermark = dl.activity_set(conversation)["watermark"]
    dl.post_ok(conversation, message("two"))
    dl.poll_until(conversation, echo_arrived("two"))
    first = dl.get_activities(conversation, watermark)
    second = dl.get_activities(conversation, watermark)
    assert first.json() == second.json()
    assert [a["text"] for a in first.json()["activities"]] == ["two", "echo: two"]


@pytest.mark.parametrize("watermark", ["-1", "abc", "99999999999999999999999", "1.5"])
def test_39_odd_watermarks_do_not_crash(dl, conversation, watermark):
    response = dl.get_activities(conversation, watermark)
    # Either treated leniently (200) or rejected clearly (400); never 5xx.
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_error_response(response, 400)


def test_40_bot_typing_never_returned_by_get(dl, conversation):
    dl.post_ok(conversation, message("hi"))
    activities = dl.poll_until(conversation, echo_arrived("hi"))
    assert all(a["type"] != "typing" for a in activities)


def test_40_client_typing_not_stored_for_get(dl, conversation):
    # Contract: "typing is never stored for GET", whoever sends it.
    response = dl.post_activity(conversation, {"type": "typing", "from": {"id": "u1"}})
    assert response.status_code == 200, response.text
    assert response.json()["id"]
    assert all(a["type"] != "typing" for a in dl.all_activities(conversation))


def test_41_conversation_update_never_returned_by_get(dl, conversation):
    dl.post_ok(conversation, message("hi"))
    activities = dl.poll_until(conversation, echo_arrived("hi"))
    assert all(a["type"] != "conversationUpdate" for a in activities)


def test_42_empty_watermark_means_from_start(dl, conversation):
    dl.post_ok(conversation, message("hi"))
    dl.poll_until(conversation, echo_arrived("hi"))
    url = f"{dl.v3}/conversations/{conversation}/activities?watermark="
    empty = dl.http.get(url, headers=bearer(dl.secret), timeout=HTTP_TIMEOUT)
    assert empty.status_code == 200
    assert empty.json() == dl.activity_set(conversation)


def test_43_returned_activities_carry_required_fields(dl, conversation):
    dl.post_ok(conversation, message("hi"))
    for activity in dl.poll_until(conversation, echo_arrived("hi")):
        assert isinstance(activity["id"], str) and activity["id"]
        assert activity["channelId"] == "directline"
        assert activity["conversation"]["id"] == conversation
        assert isinstance(activity["from"]["id"], str) and activity["from"]["id"]
        assert isinstance(activity["timestamp"], str) and activity["timestamp"].endswith("Z")


def test_65_activity_over_256k_characters_returns_400(dl, conversation):
    response = dl.post_activity(conversation, message("x" * (256 * 1024 + 10)))
    assert_error_response(response, 400)
    assert dl.all_activities(conversation) == []


def test_65_activity_just_under_limit_is_accepted(dl, conversation):
    text = "y" * (200 * 1024)
    assert dl.post_activity(conversation, message(text)).status_code == 200


def test_66_post_end_of_conversation_returns_id(dl, conversation):
    response = dl.post_activity(conversation, {"type": "endOfConversation", "from": {"id": "u1"}})
    assert response.status_code == 200, response.text
    assert response.json()["id"]


def test_67_bot_end_blocks_posts_but_not_gets(dl, conversation):
    dl.post_ok(conversation, message("before"))
    dl.admin_ok("POST", f"conversations/{conversation}/end")
    activities = dl.poll_until(
        conversation, lambda acts: any(a["type"] == "endOfConversation" for a in acts))
    assert activities[-1]["type"] == "endOfConversation"
    assert activities[-1]["from"]["id"] == "bot"
    assert_error_response(dl.post_activity(conversation, message("after")), 403, "NotAllowed")
    assert dl.get_activities(conversation).status_code == 200


def test_67_allow_post_after_end_flag():
    from emulator import Emulator
    from helpers import DirectLine
    with Emulator("--admin", "--allow-post-after-end") as emulator:
        client = DirectLine(emulator)
        conversation = client.start_ok()["conversationId"]
        client.admin_ok("POST", f"conversations/{conversation}/end")
        assert client.post_activity(conversation, message("after")).status_code == 200


def test_68_getsessionid_returns_session_id(dl):
    response = dl.http.get(f"{dl.v3}/session/getsessionid", headers=bearer(dl.secret),
                           timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["sessionId"], str) and response.json()["sessionId"]


def test_69_unknown_fields_preserved_client_to_client(dl, conversation):
    activity = message("extra", customField={"nested": [1, 2, {"k": "v"}]}, x_flag=True,
                       channelData={"a": 1, "b": {"c": None}})
    posted_id = dl.post_ok(conversation, activity)
    stored = next(a for a in dl.all_activities(conversation) if a["id"] == posted_id)
    assert stored["customField"] == {"nested": [1, 2, {"k": "v"}]}
    assert stored["x_flag"] is True
    assert stored["channelData"] == {"a": 1, "b": {"c": None}}


def test_69_unknown_fields_preserved_bot_to_client(dl, conversation):
    activity = {"type": "event", "name": "custom", "value": {"v": 1},
                "futureField": {"deep": ["x"]}}
    ids = dl.admin_ok("POST", f"conversations/{conversation}/activities", json=activity)["ids"]
    stored = next(a for a in dl.all_activities(conversation) if a["id"] == ids[0])
    assert stored["futureField"] == {"deep": ["x"]}
    assert stored["value"] == {"v": 1} and stored["name"] == "custom"


def test_69_unicode_text_round_trips(dl, conversation):
    text = "h\u00e9llo \u4e16\u754c \U0001F600 \"quoted\" \\ back"
    dl.post_ok(conversation, message(text))
    activities = dl.poll_until(conversation, echo_arrived(text))
    assert activities[0]["text"] == text
    assert json.loads(json.dumps(activities[0]))["text"] == text
