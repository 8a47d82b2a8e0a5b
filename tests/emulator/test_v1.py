"""docs/protocol.md section 6, items 75-82: Direct Line 1.1."""
from __future__ import annotations

import time

import pytest
import requests

from emulator import Emulator
from helpers import HTTP_TIMEOUT, V1_ERROR_CODES, DirectLine, RecordingBot


def auth(credential: str, scheme: str = "BotConnector"):
    return {"Authorization": f"{scheme} {credential}"}


def v1_start(dl: DirectLine, credential=None, scheme="BotConnector") -> dict:
    response = dl.http.post(f"{dl.v1}/conversations", headers=auth(credential or dl.secret, scheme),
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def v1_post(dl: DirectLine, conversation: str, body, credential=None, scheme="BotConnector"):
    return dl.http.post(f"{dl.v1}/conversations/{conversation}/messages", json=body,
                        headers=auth(credential or dl.secret, scheme), timeout=HTTP_TIMEOUT)


def v1_get(dl: DirectLine, conversation: str, watermark=None, credential=None,
           scheme="BotConnector"):
    params = {} if watermark is None else {"watermark": watermark}
    return dl.http.get(f"{dl.v1}/conversations/{conversation}/messages", params=params,
                       headers=auth(credential or dl.secret, scheme), timeout=HTTP_TIMEOUT)


def v1_messages_until(dl, conversation, done, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        body = v1_get(dl, conversation).json()
        if done(body["messages"]):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"not met: {[m.get('text') for m in body['messages']]}")
        time.sleep(0.05)


def assert_v1_error(response: requests.Response, status: int, also_allowed=()) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers.get("Content-Type", "").startswith("application/json")
    error = response.json()["error"]
    assert error["code"] in V1_ERROR_CODES or error["code"] in also_allowed, error
    assert isinstance(error["message"], str)
    assert error["statusCode"] == status
    return error


def test_75_v1_generate_returns_json_string_token(dl):
    response = dl.http.post(f"{dl.v1}/tokens/conversation", headers=auth(dl.secret),
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    token = response.json()
    assert isinstance(token, str) and token and token != dl.secret
    assert response.text.startswith('"')


def test_75_v1_token_starts_and_uses_a_conversation(dl):
    token = dl.http.post(f"{dl.v1}/tokens/conversation", headers=auth(dl.secret),
                         timeout=HTTP_TIMEOUT).json()
    conversation = v1_start(dl, token)["conversationId"]
    assert v1_post(dl, conversation, {"text": "hello", "from": "user1"}, token).status_code == 204


@pytest.mark.parametrize("scheme", ["BotConnector", "Bearer"])
def test_76_both_auth_schemes_accepted_on_every_v1_endpoint(dl, scheme):
    token = dl.http.post(f"{dl.v1}/tokens/conversation", headers=auth(dl.secret, scheme),
                         timeout=HTTP_TIMEOUT)
    assert token.status_code == 200, token.text
    started = v1_start(dl, scheme=scheme)
    conversation = started["conversationId"]
    renew = dl.http.get(f"{dl.v1}/tokens/{conversation}/renew",
                        headers=auth(started["token"], scheme), timeout=HTTP_TIMEOUT)
    assert renew.status_code == 200, renew.text
    assert v1_post(dl, conversation, {"text": "x", "from": "u"}, scheme=scheme).status_code == 204
    assert v1_get(dl, conversation, scheme=scheme).status_code == 200
    upload = dl.http.post(f"{dl.v1}/conversations/{conversation}/upload", params={"userId": "u"},
                          data=b"abc", headers={**auth(dl.secret, scheme),
                                                "Content-Type": "text/plain"},
                          timeout=HTTP_TIMEOUT)
    assert upload.status_code == 204, upload.text


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic abc"},
                                     {"Authorization": "BotConnector"}])
def test_76_v1_missing_or_malformed_authorization_returns_401(dl, headers):
    response = dl.http.post(f"{dl.v1}/conversations", headers=headers, timeout=HTTP_TIMEOUT)
    assert_v1_error(response, 401)


def test_76_v1_unknown_secret_returns_403(dl):
    response = dl.http.post(f"{dl.v1}/conversations", headers=auth("wrong-secret"),
                            timeout=HTTP_TIMEOUT)
    assert_v1_error(response, 403)


def test_77_v1_start_returns_200_without_stream_url(dl):
    body = v1_start(dl)
    assert body["conversationId"] and isinstance(body["token"], str) and body["token"]
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    assert "streamUrl" not in body


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_78_v1_renew_returns_new_token(dl, method):
    started = v1_start(dl)
    conversation = started["conversationId"]
    response = dl.http.request(method, f"{dl.v1}/tokens/{conversation}/renew",
                               headers=auth(started["token"]), timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    renewed = response.json()
    assert isinstance(renewed, str) and renewed and renewed != started["token"]
    assert v1_get(dl, conversation, credential=renewed).status_code == 200


def test_78_v1_renew_for_another_conversation_is_refused(dl):
    first, second = v1_start(dl), v1_start(dl)
    response = dl.http.post(f"{dl.v1}/tokens/{second['conversationId']}/renew",
                            headers=auth(first["token"]), timeout=HTTP_TIMEOUT)
    assert_v1_error(response, 403)


def test_79_v1_post_message_returns_204_empty(dl):
    conversation = v1_start(dl)["conversationId"]
    response = v1_post(dl, conversation, {"text": "hello", "from": "user1"})
    assert response.status_code == 204, response.text
    assert response.content == b""


def test_79_v1_post_invalid_json_returns_400(dl):
    conversation = v1_start(dl)["conversationId"]
    response = dl.http.post(f"{dl.v1}/conversations/{conversation}/messages", data=b"{x",
                            headers={**auth(dl.secret), "Content-Type": "application/json"},
                            timeout=HTTP_TIMEOUT)
    assert_v1_error(response, 400)


def test_79_v1_post_to_unknown_conversation_returns_404(dl):
    response = v1_post(dl, "NoSuchConversation0000000", {"text": "x", "from": "u"})
    assert_v1_error(response, 404)


def test_80_v1_get_messages_returns_own_message_and_reply(dl):
    conversation = v1_start(dl)["conversationId"]
    empty = v1_get(dl, conversation)
    assert empty.status_code == 200
    assert empty.json()["messages"] == [] and "watermark" in empty.json()
    v1_post(dl, conversation, {"text": "hello", "from": "user1", "channelData": {"k": 1}})
    body = v1_messages_until(dl, conversation,
                             lambda msgs: any(m.get("text") == "echo: hello" for m in msgs))
    own = body["messages"][0]
    assert own["text"] == "hello" and own["from"] == "user1"
    assert own["conversationId"] == conversation
    assert isinstance(own["id"], str) and own["id"]
    assert isinstance(own["created"], str) and own["created"]
    assert own["channelData"] == {"k": 1}
    assert isinstance(body["watermark"], str) and body["watermark"]
    after = v1_get(dl, conversation, body["watermark"]).json()
    assert after["messages"] == []
    assert isinstance(after["watermark"], str) and after["watermark"]


def test_81_v1_upload_returns_204_and_message_part_supplies_text(dl):
    conversation = v1_start(dl)["conversationId"]
    files = [("message", (None, b'{"text":"see attached","from":"user1"}',
                          "application/vnd.microsoft.bot.message")),
             ("file", ("a.txt", b"attached bytes", "text/plain"))]
    prepared = requests.Request("POST", "http://x/", files=files).prepare()
    response = dl.http.post(f"{dl.v1}/conversations/{conversation}/upload",
                            params={"userId": "user1"}, data=prepared.body,
                            headers={**auth(dl.secret),
                                     "Content-Type": prepared.headers["Content-Type"]},
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 204, response.text
    assert response.content == b""
    body = v1_messages_until(dl, conversation,
                             lambda msgs: any(m.get("text") == "see attached" for m in msgs))
    uploaded = next(m for m in body["messages"] if m.get("text") == "see attached")
    assert len(uploaded["attachments"]) == 1
    attachment = uploaded["attachments"][0]
    assert attachment["contentType"] == "text/plain"
    url = attachment["url"]
    if url.startswith("/"):
        url = dl.base + url
    assert requests.get(url, timeout=HTTP_TIMEOUT).content == b"attached bytes"


@pytest.mark.parametrize("flag,expected", [(None, 500), ("502", 502)])
def test_82_v1_bot_failure_returns_500_or_configured_502(flag, expected):
    bot = RecordingBot()
    args = ["--bot", bot.url]
    if flag:
        args += ["--v1-bot-error-status", flag]
    try:
        with Emulator(*args) as emulator:
            client = DirectLine(emulator)
            conversation = v1_start(client)["conversationId"]
            bot.behaviour = "fail"
            error = assert_v1_error(v1_post(client, conversation, {"text": "x", "from": "u"}),
                                    expected)
            assert error["code"] == "ServiceError"
    finally:
        bot.close()


def test_10_v1_expired_token_returns_403():
    with Emulator("--admin") as emulator:
        client = DirectLine(emulator)
        started = v1_start(client)
        client.advance_clock(started["expires_in"] + 1)
        response = v1_get(client, started["conversationId"], credential=started["token"])
        # The 1.1 enum has no expiry code; the 3.0 one ("TokenExpired") is the useful choice.
        assert_v1_error(response, 403, also_allowed=("TokenExpired",))
        renew = client.http.post(f"{client.v1}/tokens/{started['conversationId']}/renew",
                                 headers=auth(started["token"]), timeout=HTTP_TIMEOUT)
        assert_v1_error(renew, 403, also_allowed=("TokenExpired",))
