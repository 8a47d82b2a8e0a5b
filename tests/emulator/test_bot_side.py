"""docs/protocol.md section 6, items that need to see the bot's side: 5, 7, 19-21, 28-32, 35, 36, 41,
58-62, 66, 69, 70-74. A recording bot (helpers.RecordingBot) sits behind `--bot URL`."""
from __future__ import annotations

import json
import time
import urllib.parse

import pytest
import requests

from emulator import Emulator
from helpers import (HTTP_TIMEOUT, DirectLine, RecordingBot, assert_error_response, free_port,
                     message, next_activities, open_stream)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def member_ids(activity):
    return [m.get("id") for m in activity.get("membersAdded") or []]


def test_05_token_user_reaches_bot_as_from(bdl, bot):
    token = bdl.generate_ok({"user": {"id": "dl_abc", "name": "Ann"},
                             "trustedOrigins": ["https://a.example"]})["token"]
    conversation = bdl.start_ok(token)["conversationId"]
    bdl.post_ok(conversation, message("hi", user="u1"), token)
    received = bot.wait_for(conversation, kind="message")[0]
    assert received["from"]["id"] == "dl_abc"


def test_07_generate_does_not_contact_bot(bdl, bot):
    generated = bdl.generate_ok({"user": {"id": "dl_gen"}})
    time.sleep(0.3)
    assert bot.activities(generated["conversationId"]) == []
    bdl.start_ok(generated["token"])  # the bot is reachable: start does reach it
    bot.wait_for(generated["conversationId"], kind="conversationUpdate")


def test_19_restart_with_same_token_sends_no_second_conversation_update(bdl, bot):
    token = bdl.generate_ok()["token"]
    conversation = bdl.start_ok(token)["conversationId"]
    bot.wait_for(conversation, kind="conversationUpdate")
    before = len(bot.activities(conversation, "conversationUpdate"))
    assert bdl.start(token).status_code == 200
    time.sleep(0.3)
    assert len(bot.activities(conversation, "conversationUpdate")) == before


def test_20_start_sends_conversation_update_with_bot_in_members_added(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    update = bot.wait_for(conversation, kind="conversationUpdate")[0]
    assert update["recipient"]["id"] in member_ids(update)
    assert update["channelId"] == "directline"
    assert update["conversation"]["id"] == conversation
    assert update["serviceUrl"].startswith(bdl.base)


def test_21_token_user_listed_in_start_conversation_update(bdl, bot):
    token = bdl.generate_ok({"user": {"id": "dl_member", "name": "M"}})["token"]
    conversation = bdl.start_ok(token)["conversationId"]
    updates = bot.wait_for(conversation, kind="conversationUpdate")
    members = [m for update in updates for m in member_ids(update)]
    assert "dl_member" in members
    assert updates[0]["recipient"]["id"] in members


def test_21_without_token_user_a_user_update_precedes_first_message(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.wait_for(conversation, kind="conversationUpdate")
    bdl.post_ok(conversation, message("first", user="u_late"))
    bot.wait_for(conversation, kind="message")
    kinds = [(a["type"], member_ids(a)) for a in bot.activities(conversation)]
    first_message = [k for k, _ in kinds].index("message")
    assert any(k == "conversationUpdate" and "u_late" in members
               for k, members in kinds[:first_message]), kinds


def test_28_bot_receives_activity_with_channel_fields(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    update = bot.wait_for(conversation, kind="conversationUpdate")[0]
    posted_id = bdl.post_ok(conversation, message("hi", user="u1"))
    received = bot.wait_for(conversation, kind="message")[0]
    assert received["channelId"] == "directline"
    assert received["conversation"]["id"] == conversation
    assert received["serviceUrl"].rstrip("/") == bdl.base
    assert received["recipient"]["id"] == update["recipient"]["id"]
    assert received["from"]["id"] == "u1"
    assert received["text"] == "hi"
    assert received["id"] == posted_id
    assert isinstance(received["timestamp"], str) and received["timestamp"]
    assert received["_path"] == "/api/messages"
    assert received["_authorization"] is None  # no credentials for a local bot


def test_29_channel_data_reaches_bot_unchanged(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    channel_data = {"a": [1, 2.5, None, True], "b": {"c": "\u00e9\U0001F600"}, "empty": {}}
    bdl.post_ok(conversation, message("cd", channelData=channel_data))
    assert bot.wait_for(conversation, kind="message")[0]["channelData"] == channel_data


def test_30_bot_error_returns_502_bot_rejected_activity(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "fail"
    response = bdl.post_activity(conversation, message("boom"))
    error = assert_error_response(response, 502, "BotRejectedActivity")
    inner = response.json()["error"].get("innerHttpError")
    if inner is not None:
        assert inner["statusCode"] == 500
    del error


@pytest.mark.parametrize("status_flag,expected", [(None, 502), ("504", 504)])
def test_31_bot_timeout_returns_bot_error(status_flag, expected):
    bot = RecordingBot()
    args = ["--bot", bot.url, "--bot-timeout", "400"]
    if status_flag:
        args += ["--bot-timeout-status", status_flag]
    try:
        with Emulator(*args) as emulator:
            client = DirectLine(emulator)
            conversation = client.start_ok()["conversationId"]
            bot.behaviour = "sleep"
            bot.sleep_seconds = 3.0
            started = time.monotonic()
            response = client.post_activity(conversation, message("slow"))
            elapsed = time.monotonic() - started
            assert_error_response(response, expected, "BotError")
            assert elapsed < 2.5, f"timeout of 400 ms took {elapsed:.2f}s"
    finally:
        bot.behaviour = "ok"
        bot.close()


def test_32_unreachable_bot_returns_502():
    port = free_port()
    with Emulator("--bot", f"http://127.0.0.1:{port}/api/messages", "--bot-timeout", "2000") \
            as emulator:
        client = DirectLine(emulator)
        generated = client.generate_ok()  # does not need the bot
        start = client.start(generated["token"])
        if start.status_code in (200, 201):
            conversation = start.json()["conversationId"]
        else:  # a start that reports the dead bot must say so with 502
            assert_error_response(start, 502)
            conversation = generated["conversationId"]
        response = client.post_activity(conversation, message("anyone?"))
        assert_error_response(response, 502)


def test_32_bot_that_went_away_returns_502():
    bot = RecordingBot()
    bot.close_connections = True  # no kept-alive socket may outlive the listener
    with Emulator("--bot", bot.url, "--bot-timeout", "2000") as emulator:
        client = DirectLine(emulator)
        conversation = client.start_ok()["conversationId"]
        bot.close()
        started = time.monotonic()
        assert_error_response(client.post_activity(conversation, message("gone")), 502)
        assert time.monotonic() - started < 2.5


def test_35_token_user_overrides_from_id(bdl, bot):
    token = bdl.generate_ok({"user": {"id": "dl_x"}})["token"]
    conversation = bdl.start_ok(token)["conversationId"]
    bdl.post_ok(conversation, message("who am i", user="other"), token)
    assert bot.wait_for(conversation, kind="message")[0]["from"]["id"] == "dl_x"


def test_36_reply_posted_in_handler_is_visible_when_post_returns(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "reply"
    posted_id = bdl.post_ok(conversation, message("ping"))
    activities = bdl.activity_set(conversation)["activities"]  # one GET, no polling
    texts = [a.get("text") for a in activities]
    assert texts[-2:] == ["ping", "bot: ping"], texts
    assert activities[-1]["replyToId"] == posted_id


def test_41_conversation_update_never_reaches_client(bdl, bot):
    token = bdl.generate_ok({"user": {"id": "dl_cu"}})["token"]
    started = bdl.start_ok(token)
    conversation = started["conversationId"]
    bot.wait_for(conversation, kind="conversationUpdate")
    with open_stream(started["streamUrl"]) as ws:
        bdl.post_ok(conversation, message("hi"), token)
        streamed = next_activities(ws, 1, include_typing=True)
        assert all(a["type"] != "conversationUpdate" for a in streamed)
    assert all(a["type"] != "conversationUpdate" for a in bdl.all_activities(conversation))


def test_58_single_file_upload_reaches_bot_as_attachment(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    response = bdl.upload(conversation, PNG, {
        "Content-Type": "image/png",
        "Content-Disposition": 'name="file"; filename="a.png"'})
    assert response.status_code == 200, response.text
    assert response.json()["id"]
    received = bot.wait_for(conversation, kind="message")
    assert len(received) == 1
    attachment = received[0]["attachments"][0]
    assert attachment["contentType"] == "image/png"
    assert attachment["name"] == "a.png"
    assert received[0]["from"]["id"] == "u1"
    fetched = requests.get(attachment["contentUrl"], timeout=HTTP_TIMEOUT)
    assert fetched.status_code == 200
    assert fetched.content == PNG
    assert fetched.headers["Content-Type"].startswith("image/png")


def multipart_files(with_activity: bool):
    files = []
    if with_activity:
        files.append(("activity", (None, json.dumps(message("with files")).encode(),
                                   "application/vnd.microsoft.activity")))
    files += [("file", ("a.png", PNG, "image/png")),
              ("file", ("b.txt", "h\u00e9llo".encode(), "text/plain"))]
    return files


def post_multipart(client, conversation, files, v1=False):
    prepared = requests.Request("POST", "http://x/", files=files).prepare()
    return client.upload(conversation, prepared.body,
                         {"Content-Type": prepared.headers["Content-Type"]}, v1=v1)


def test_59_multipart_upload_with_activity_part_delivers_one_message(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    response = post_multipart(bdl, conversation, multipart_files(True))
    assert response.status_code == 200, response.text
    received = bot.wait_for(conversation, kind="message")
    time.sleep(0.2)
    received = bot.activities(conversation, "message")
    assert len(received) == 1
    activity = received[0]
    assert activity["text"] == "with files"
    assert [(a["name"], a["contentType"]) for a in activity["attachments"]] == [
        ("a.png", "image/png"), ("b.txt", "text/plain")]
    assert requests.get(activity["attachments"][1]["contentUrl"],
                        timeout=HTTP_TIMEOUT).content == "h\u00e9llo".encode()


def test_60_multipart_upload_without_activity_part_carries_only_attachments(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    response = post_multipart(bdl, conversation, multipart_files(False))
    assert response.status_code == 200, response.text
    activity = bot.wait_for(conversation, kind="message")[0]
    assert activity["type"] == "message"
    assert not activity.get("text")
    assert len(activity["attachments"]) == 2
    assert activity["from"]["id"] == "u1"


def test_61_upload_without_user_id_returns_400(dl):
    conversation = dl.start_ok()["conversationId"]
    response = dl.upload(conversation, PNG, {"Content-Type": "image/png"}, user_id=None)
    assert_error_response(response, 400)


def test_61_lenient_upload_accepts_missing_user_id():
    with Emulator("--lenient-upload") as emulator:
        client = DirectLine(emulator)
        conversation = client.start_ok()["conversationId"]
        response = client.upload(conversation, PNG, {"Content-Type": "image/png"}, user_id=None)
        assert response.status_code == 200, response.text


def test_61_upload_with_broken_multipart_returns_400(dl):
    conversation = dl.start_ok()["conversationId"]
    response = dl.upload(conversation, b"--xyz\r\nno headers end", {
        "Content-Type": "multipart/form-data; boundary=xyz"})
    assert_error_response(response, 400)


def test_62_uploaded_attachment_urls_seen_by_client_are_service_urls(dl):
    conversation = dl.start_ok()["conversationId"]
    upload_id = dl.upload(conversation, PNG, {
        "Content-Type": "image/png",
        "Content-Disposition": 'name="file"; filename="a.png"'}).json()["id"]
    stored = next(a for a in dl.all_activities(conversation) if a["id"] == upload_id)
    url = stored["attachments"][0]["contentUrl"]
    assert url.startswith(dl.base + "/"), url
    assert not url.startswith("data:")
    assert requests.get(url, timeout=HTTP_TIMEOUT).content == PNG


def test_66_client_end_of_conversation_is_forwarded_to_bot(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    response = bdl.post_activity(conversation, {"type": "endOfConversation", "from": {"id": "u1"},
                                                "code": "userCancelled"})
    assert response.status_code == 200
    received = bot.wait_for(conversation, kind="endOfConversation")[0]
    assert received["id"] == response.json()["id"]
    assert received["code"] == "userCancelled"


def test_69_unknown_fields_preserved_client_to_bot(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bdl.post_ok(conversation, message("x", futureField={"deep": [1, {"k": None}]}, z=0.5))
    received = bot.wait_for(conversation, kind="message")[0]
    assert received["futureField"] == {"deep": [1, {"k": None}]}
    assert received["z"] == 0.5


def test_69_unknown_fields_preserved_bot_reply_to_client(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "reply"
    bot.reply_extra = {"botOnlyField": {"n": [3]}}
    bdl.post_ok(conversation, message("x"))
    reply = [a for a in bdl.all_activities(conversation) if a.get("text") == "bot: x"][0]
    assert reply["botOnlyField"] == {"n": [3]}


def test_70_reply_to_activity_returns_id_and_sets_reply_to_id(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "reply"
    posted_id = bdl.post_ok(conversation, message("q"))
    reply_response = bot.replies[-1]
    assert reply_response.status_code == 200, reply_response.text
    reply_id = reply_response.json()["id"]
    assert isinstance(reply_id, str) and reply_id
    reply = next(a for a in bdl.all_activities(conversation) if a["id"] == reply_id)
    assert reply["replyToId"] == posted_id
    assert reply["text"] == "bot: q"
    assert reply["from"]["id"] == bot.activities(conversation, "message")[0]["recipient"]["id"]


def test_70_reply_without_reply_to_id_gets_it_from_the_path(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    posted_id = bdl.post_ok(conversation, message("q"))
    url = (f"{bdl.base}/v3/conversations/{conversation}/activities/"
           f"{urllib.parse.quote(posted_id, safe='')}")
    response = requests.post(url, json={"type": "message", "text": "plain"}, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    reply = next(a for a in bdl.all_activities(conversation) if a["id"] == response.json()["id"])
    assert reply["replyToId"] == posted_id
    assert reply["channelId"] == "directline" and reply["timestamp"]
    assert reply["conversation"]["id"] == conversation
    # docs/protocol.md 5.2: a bot activity without `from` gets the bot's account, role "bot".
    assert reply["from"]["id"] and reply["from"].get("role") == "bot"


def test_71_send_to_conversation_reaches_client(bdl, bot):
    started = bdl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        response = requests.post(f"{bdl.base}/v3/conversations/{conversation}/activities",
                                 json={"type": "message", "text": "proactive",
                                       "from": {"id": "bot", "name": "Bot"}},
                                 timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.text
        reply_id = response.json()["id"]
        streamed = next_activities(ws, 1)[0]
        assert streamed["id"] == reply_id and streamed["text"] == "proactive"
    assert any(a["id"] == reply_id for a in bdl.all_activities(conversation))


@pytest.mark.parametrize("path", ["/v3/conversations/NoSuchConversation000/activities",
                                  "/v3/conversations/NoSuchConversation000/activities/x%7C0000001"])
def test_72_bot_call_for_unknown_conversation_returns_404(bdl, path):
    response = requests.post(bdl.base + path, json={"type": "message", "text": "x"},
                             timeout=HTTP_TIMEOUT)
    assert_error_response(response, 404)


def test_72_bot_call_with_invalid_json_returns_400(bdl):
    conversation = bdl.start_ok()["conversationId"]
    response = requests.post(f"{bdl.base}/v3/conversations/{conversation}/activities",
                             data=b"{nope", headers={"Content-Type": "application/json"},
                             timeout=HTTP_TIMEOUT)
    assert_error_response(response, 400)


def test_73_double_slash_service_url_works(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "reply"
    bot.reply_double_slash = True
    bdl.post_ok(conversation, message("dbl"))
    assert "//v3/" in bot.replies[-1].url
    assert bot.replies[-1].status_code == 200, bot.replies[-1].text
    assert any(a.get("text") == "bot: dbl" for a in bdl.all_activities(conversation))


def test_74_reply_during_open_inbound_post_does_not_deadlock(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "reply"
    replies_before = len(bot.replies)
    started = time.monotonic()
    for i in range(5):
        bdl.post_ok(conversation, message(f"m{i}"))
    assert time.monotonic() - started < 4.0  # far below the 5 s bot timeout
    assert [r.status_code for r in bot.replies[replies_before:]] == [200] * 5
    texts = [a.get("text") for a in bdl.all_activities(conversation)]
    assert texts == [t for i in range(5) for t in (f"m{i}", f"bot: m{i}")]
