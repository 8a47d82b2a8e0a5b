"""docs/protocol.md section 6, items 16-26: start and reconnect (3.0), with the echo bot.

Items that need to see what the bot receives (7, 19 bot side, 20, 21) are in test_bot_side.py.
"""
from __future__ import annotations

import re
import urllib.parse

import pytest

from helpers import HTTP_TIMEOUT, assert_error_response, bearer

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def test_16_start_with_secret_returns_201_with_stream_url(dl):
    response = dl.start()
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert CONVERSATION_ID.match(body["conversationId"]), body["conversationId"]
    assert isinstance(body["token"], str) and body["token"] and body["token"] != dl.secret
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    assert isinstance(body["streamUrl"], str) and body["streamUrl"]


def test_17_two_starts_with_secret_give_two_conversations(dl):
    ids = {dl.start_ok()["conversationId"] for _ in range(5)}
    assert len(ids) == 5


def test_18_start_with_generated_token_returns_201_same_conversation(dl):
    generated = dl.generate_ok()
    response = dl.start(generated["token"])
    assert response.status_code == 201, response.text
    assert response.json()["conversationId"] == generated["conversationId"]
    assert response.json()["streamUrl"]


def test_19_restart_with_same_token_returns_200(dl):
    generated = dl.generate_ok()
    assert dl.start(generated["token"]).status_code == 201
    again = dl.start(generated["token"])
    assert again.status_code == 200, again.text
    assert again.json()["conversationId"] == generated["conversationId"]
    assert again.json()["streamUrl"]


def test_19_restart_keeps_history(dl):
    generated = dl.generate_ok()
    conversation_id = dl.start_ok(generated["token"])["conversationId"]
    dl.post_ok(conversation_id, {"type": "message", "from": {"id": "u1"}, "text": "kept"})
    dl.start_ok(generated["token"])
    assert any(a.get("text") == "kept" for a in dl.all_activities(conversation_id))


def test_22_stream_url_points_to_conversation_stream_with_t(dl):
    body = dl.start_ok()
    url = urllib.parse.urlsplit(body["streamUrl"])
    assert url.scheme in ("ws", "wss", "http", "https")
    assert url.hostname == "127.0.0.1"
    assert url.port == dl.emulator.port
    assert url.path == f"/v3/directline/conversations/{body['conversationId']}/stream"
    query = urllib.parse.parse_qs(url.query)
    assert query.get("t") and query["t"][0]


def test_23_reconnect_returns_new_stream_url(dl):
    started = dl.start_ok()
    response = dl.reconnect(started["conversationId"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conversationId"] == started["conversationId"]
    assert isinstance(body["token"], str) and body["token"]
    assert body["streamUrl"] and body["streamUrl"] != started["streamUrl"]
    again = dl.reconnect(started["conversationId"], watermark="0").json()
    assert again["streamUrl"] not in (started["streamUrl"], body["streamUrl"])


def test_23_reconnect_with_token_returns_usable_token(dl):
    started = dl.start_ok()
    body = dl.reconnect(started["conversationId"], credential=started["token"]).json()
    assert dl.get_activities(started["conversationId"], credential=body["token"]).status_code == 200


def test_24_reconnect_unknown_conversation_returns_404(dl):
    response = dl.reconnect("NoSuchConversation0000000")
    assert_error_response(response, 404)


@pytest.mark.parametrize("body", [None, b"", b"{}",
                                  b'{"user":{"id":"dl_u","name":"U"},"trustedOrigins":[]}'])
def test_25_start_accepts_empty_and_token_parameters_bodies(dl, body):
    headers = bearer(dl.secret)
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = dl.http.post(f"{dl.v3}/conversations", data=body, headers=headers,
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 201, response.text
    assert response.json()["conversationId"]


def test_26_start_accepts_directlinejs_body(dl):
    response = dl.http.post(f"{dl.v3}/conversations",
                            data=b'{"user":{"id":"user1"},"locale":"en-US"}',
                            headers={**bearer(dl.secret), "Content-Type": "application/json",
                                     "x-ms-bot-agent": "DirectLine/3.0 (directlinejs 0.15.8)"},
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 201, response.text


def test_26_start_accepts_user_without_id(dl):
    # DirectLineJS sends {"user":{}} when no user id is set (peers.md).
    response = dl.start(body={"user": {}})
    assert response.status_code == 201, response.text
