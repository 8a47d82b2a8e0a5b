"""What a hostile bot, client or network must not do to the emulator: deep JSON from a bot, the
bot route past the conversation's caps, Host headers that are not host names, and tokens whose
spare base64 bits were altered."""
from __future__ import annotations

import json

import pytest
from websockets.exceptions import InvalidStatus

from helpers import (HTTP_TIMEOUT, assert_error_response, bearer, message, open_stream,
                     raw_request)

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 KB: past any nesting limit, under the body limits


def connector_post(dl, conversation, activity=None, data=None):
    return dl.http.post(f"{dl.base}/v3/conversations/{conversation}/activities",
                        json=activity, data=data, timeout=HTTP_TIMEOUT)


# --- deep JSON from the bot ---------------------------------------------------------------------
def test_bot_answering_with_deeply_nested_json_does_not_crash(bdl, bot):
    conversation = bdl.start_ok()["conversationId"]
    bot.behaviour = "fail"
    bot.fail_body = DEEP
    error = assert_error_response(bdl.post_activity(conversation, message("hi")), 502,
                                  "BotRejectedActivity")
    inner = error["innerHttpError"]
    assert inner["statusCode"] == 500
    assert isinstance(inner["body"], str) and inner["body"].startswith("[[[")  # kept as text
    bot.fail_body = b'{"error":"nope"}'
    error = assert_error_response(bdl.post_activity(conversation, message("again")), 502)
    assert error["innerHttpError"]["body"] == {"error": "nope"}  # shallow JSON stays JSON


def test_bot_route_refuses_deeply_nested_json(dl):
    conversation = dl.start_ok()["conversationId"]
    assert_error_response(connector_post(dl, conversation, data=DEEP), 400, "MalformedData")
    deep_field = b'{"type":"message","channelData":' + DEEP + b"}"
    assert_error_response(connector_post(dl, conversation, data=deep_field), 400, "MalformedData")
    assert dl.post_ok(conversation, message("still alive"))


# --- the bot route honours the conversation's state ---------------------------------------------
def test_bot_route_refuses_activities_after_the_conversation_ended(dl):
    conversation = dl.start_ok()["conversationId"]
    assert dl.post_activity(conversation, {"type": "endOfConversation",
                                           "from": {"id": "u1"}}).status_code == 200
    response = connector_post(dl, conversation, {"type": "message", "text": "too late"})
    assert_error_response(response, 403, "NotAllowed")
    texts = [a.get("text") for a in dl.all_activities(conversation)]
    assert "too late" not in texts


def test_bot_route_honours_the_conversation_size_cap(dl):
    conversation = dl.start_ok()["conversationId"]
    text = "x" * 250_000
    statuses = []
    for _ in range(300):  # 300 x 250 KB = 75 MB: past the 64 MiB a conversation may hold
        response = connector_post(dl, conversation, {"type": "message", "text": text})
        statuses.append(response.status_code)
        if response.status_code != 200:
            assert_error_response(response, 403, "NotAllowed")
            break
    assert statuses[-1] == 403, f"{len(statuses)} bot activities of 250 KB all accepted"
    assert 250 <= len(statuses) <= 270  # about 64 MiB went in first
    # the user side sees the same cap
    assert_error_response(dl.post_activity(conversation, message(text)), 403, "NotAllowed")


def test_bot_route_refuses_an_activity_over_256k_characters(dl):
    conversation = dl.start_ok()["conversationId"]
    response = connector_post(dl, conversation, {"type": "message", "text": "y" * 300_000})
    assert_error_response(response, 400, "MalformedData")


# --- Host headers -------------------------------------------------------------------------------
HOSTILE_HOSTS = [b"exa\tmple.com", b"h\xffst:8080", b"evil.com/x?y", b"[::1", b"user@evil.com",
                 b'q"uote', b"\xc3\xa9t\xc3\xa9.example", b"a:b:c", b"host:99999", b":80"]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_hostile_host_header_never_breaks_json_or_urls(dl, host):
    request = (b"POST /v3/directline/conversations HTTP/1.1\r\nHost: " + host +
               b"\r\nAuthorization: Bearer " + dl.secret.encode() +
               b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    status, headers, body = raw_request(dl.base, request)
    assert status == 201
    started = json.loads(body.decode("utf-8"))  # valid UTF-8 and valid JSON
    listener = dl.base.replace("http://", "ws://")
    assert started["streamUrl"].startswith(listener + "/v3/directline/conversations/")
    # the URL it handed out works
    with open_stream(started["streamUrl"]) as ws:
        ws.close()


def test_hostile_host_header_in_upload_urls(dl):
    conversation = dl.start_ok()["conversationId"]
    request = (b"POST /v3/directline/conversations/" + conversation.encode() +
               b"/upload?userId=u1 HTTP/1.1\r\nHost: a\tb\xfe\r\nAuthorization: Bearer " +
               dl.secret.encode() + b"\r\nContent-Type: text/plain\r\nContent-Length: 5"
               b"\r\nConnection: close\r\n\r\nhello")
    status, _, body = raw_request(dl.base, request)
    assert status == 200, body
    json.loads(body.decode("utf-8"))
    uploaded = [a for a in dl.all_activities(conversation) if a.get("attachments")][-1]
    url = uploaded["attachments"][0]["contentUrl"]
    assert url.startswith(dl.base + "/attachments/")
    assert dl.http.get(url, timeout=HTTP_TIMEOUT).content == b"hello"


def test_host_names_and_ports_still_used_for_urls(dl):
    for host in (b"proxy.example:8443", b"10.0.0.7", b"[::1]:9000", b"Example-Host_1.local"):
        request = (b"POST /v3/directline/conversations HTTP/1.1\r\nHost: " + host +
                   b"\r\nAuthorization: Bearer " + dl.secret.encode() +
                   b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        status, _, body = raw_request(dl.base, request)
        assert status == 201
        assert json.loads(body)["streamUrl"].startswith("ws://" + host.decode() + "/v3/")


# --- strict token decoding ----------------------------------------------------------------------
def alter_spare_bits(token: str) -> str:
    """Changes a bit of the last base64url character that no decoded byte uses."""
    spare = {2: 4, 3: 2}[len(token.rsplit(".", 1)[1]) % 4]  # unused low bits of the last char
    last = B64URL.index(token[-1])
    altered = B64URL[last ^ ((1 << spare) - 1)]
    assert altered != token[-1]
    return token[:-1] + altered


def test_token_with_altered_spare_bits_is_refused(dl):
    started = dl.start_ok()
    token = started["token"]
    assert dl.get_activities(started["conversationId"], credential=token).status_code == 200
    altered = alter_spare_bits(token)
    assert_error_response(dl.get_activities(started["conversationId"], credential=altered), 403,
                          "BadArgument")
    assert_error_response(dl.refresh(altered), 403)


def test_stream_token_with_altered_spare_bits_is_refused(dl):
    url = dl.start_ok()["streamUrl"]
    base, _, stream_token = url.rpartition("t=")
    with pytest.raises(InvalidStatus) as refused:
        open_stream(base + "t=" + alter_spare_bits(stream_token))
    assert refused.value.response.status_code == 403
    with open_stream(url):
        pass
