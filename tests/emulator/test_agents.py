"""Copilot Studio agents: the anonymous token endpoint, regional channel settings, the greeting on
startConversation, streamed replies (Web Chat livestreaming / Teams streaming shapes), the sign-in
card and its page, and channelData echoed unchanged on the user's own activity."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List

import pytest

from emulator import Emulator
from helpers import (HTTP_TIMEOUT, DirectLine, assert_error_response, message, next_set,
                     open_stream, raw_request)

API = {"api-version": "2022-03-01-preview"}
OAUTH = "application/vnd.microsoft.card.oauth"


@pytest.fixture(scope="module")
def agent_emu():
    with Emulator("--admin", "--agent-schema", "cr123_myAgent", "--agent-schema",
                  "other.bot") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def adl(agent_emu) -> DirectLine:
    return DirectLine(agent_emu)


def token_url(client: DirectLine, schema: str) -> str:
    return f"{client.base}/powervirtualagents/botsbyschema/{schema}/directline/token"


def assert_agent_error(response, status: int, code: int, message_: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["ErrorCode"] == code and body["ErrorMessage"] == message_, body
    assert set(body) == {"ErrorCode", "ErrorMessage", "DiagnosticsMessage", "ErrorInfo"}


# --- token endpoint -------------------------------------------------------------------------------
@pytest.mark.parametrize("schema", ["emulator.agent", "cr123_myAgent", "other.bot"])
def test_token_endpoint_is_anonymous_and_starts_a_conversation(adl, schema):
    response = adl.http.get(token_url(adl, schema), params=API, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"token", "expires_in", "conversationId"}
    assert body["expires_in"] == 1800
    started = adl.start(body["token"])
    assert started.status_code == 201
    assert started.json()["conversationId"] == body["conversationId"]
    assert adl.post_ok(body["conversationId"], message("hi"), body["token"])


def test_token_endpoint_gives_a_new_conversation_each_time(adl):
    ids = {adl.http.get(token_url(adl, "emulator.agent"), params=API,
                        timeout=HTTP_TIMEOUT).json()["conversationId"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("schema", ["cr123_unknown", "CR123_MYAGENT", "emulator.agen"])
def test_token_endpoint_unknown_schema_is_the_service_error(adl, schema):
    response = adl.http.get(token_url(adl, schema), params=API, timeout=HTTP_TIMEOUT)
    assert_agent_error(response, 404, 4103, "ItemWithIdNotFound")


def test_unknown_schema_on_the_default_emulator(dl):
    response = dl.http.get(token_url(dl, "cr123_myAgent"), params=API, timeout=HTTP_TIMEOUT)
    assert_agent_error(response, 404, 4103, "ItemWithIdNotFound")
    assert dl.http.get(token_url(dl, "emulator.agent"), params=API,
                       timeout=HTTP_TIMEOUT).status_code == 200


@pytest.mark.parametrize("params", [{}, {"api-version": ""}])
def test_agent_routes_require_api_version(adl, params):
    for url in (token_url(adl, "emulator.agent"),
                f"{adl.base}/powervirtualagents/regionalchannelsettings"):
        response = adl.http.get(url, params=params, timeout=HTTP_TIMEOUT)
        assert_agent_error(response, 400, 400, "MissingApiVersionParameter")


def test_agent_routes_other_methods_and_faults_use_the_service_shape(adl):
    response = adl.http.post(token_url(adl, "emulator.agent"), params=API, timeout=HTTP_TIMEOUT)
    assert_agent_error(response, 405, 405, "BadArgument")
    assert response.headers["Allow"] == "GET"
    adl.add_fault("route=agent-token,status=503,times=1")
    try:
        response = adl.http.get(token_url(adl, "emulator.agent"), params=API, timeout=HTTP_TIMEOUT)
        assert_agent_error(response, 503, 503, "InjectedFault")
        adl.add_fault("route=regional-settings,status=429,retry_after=3,times=1")
        response = adl.http.get(f"{adl.base}/powervirtualagents/regionalchannelsettings",
                                params=API, timeout=HTTP_TIMEOUT)
        assert_agent_error(response, 429, 429, "InjectedFault")
        assert response.headers["Retry-After"] == "3"
    finally:
        adl.clear_faults()


# --- regional channel settings --------------------------------------------------------------------
def test_regional_settings_point_at_this_emulator(adl):
    response = adl.http.get(f"{adl.base}/powervirtualagents/regionalchannelsettings", params=API,
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 200
    body = response.json()
    assert body == {"channelUrlsById": {"directline": adl.base + "/"}, "geo": "local"}
    endpoint = body["channelUrlsById"]["directline"] + "v3/directline"
    token = adl.http.get(token_url(adl, "emulator.agent"), params=API,
                         timeout=HTTP_TIMEOUT).json()["token"]
    started = adl.http.post(f"{endpoint}/conversations",
                            headers={"Authorization": f"Bearer {token}"}, timeout=HTTP_TIMEOUT)
    assert started.status_code == 201


def test_regional_settings_follow_the_host_header(adl):
    for host, expected in ((b"proxy.example:8443", "http://proxy.example:8443/"),
                           (b"bad\thost", adl.base + "/")):
        status, _, body = raw_request(
            adl.base, b"GET /powervirtualagents/regionalchannelsettings?api-version=1 HTTP/1.1\r\n"
                      b"Host: " + host + b"\r\nConnection: close\r\n\r\n")
        assert status == 200
        assert json.loads(body)["channelUrlsById"]["directline"] == expected


# --- greeting -------------------------------------------------------------------------------------
def start_event(locale: str = "", user: str = "dl_user") -> Dict[str, Any]:
    event = {"type": "event", "name": "startConversation", "from": {"id": user, "role": "user"},
             "localTimezone": "Europe/Paris"}
    if locale:
        event["locale"] = locale
    return event


def replies_to(client: DirectLine, conversation: str, activity_id: str) -> List[Dict[str, Any]]:
    return [a for a in client.all_activities(conversation) if a.get("replyToId") == activity_id]


@pytest.mark.parametrize("locale,word", [("en-US", "Hello"), ("", "Hello"), ("fr-FR", "Bonjour"),
                                         ("FR-ca", "Bonjour"), ("fr", "Bonjour"),
                                         ("de-DE", "Hello")])
def test_start_conversation_event_gets_one_greeting(adl, locale, word):
    conversation = adl.start_ok()["conversationId"]
    event_id = adl.post_ok(conversation, start_event(locale))
    replies = replies_to(adl, conversation, event_id)  # in the log before the POST returned
    assert len(replies) == 1
    greeting = replies[0]
    assert greeting["type"] == "message" and word in greeting["text"]
    assert greeting["from"]["role"] == "bot"


def test_greeting_uses_the_conversation_locale(adl):
    conversation = adl.start_ok(body={"user": {"id": "dl_fr"}, "locale": "fr-FR"})["conversationId"]
    event_id = adl.post_ok(conversation, start_event())
    assert "Bonjour" in replies_to(adl, conversation, event_id)[0]["text"]


def test_other_events_get_no_answer(adl):
    conversation = adl.start_ok()["conversationId"]
    event_id = adl.post_ok(conversation, {"type": "event", "name": "somethingElse",
                                          "from": {"id": "u1"}})
    assert replies_to(adl, conversation, event_id) == []


# --- streaming ------------------------------------------------------------------------------------
def collect_stream(ws, timeout: float = 5.0) -> List[Dict[str, Any]]:
    """Bot activities from the socket until the final message of a stream."""
    seen: List[Dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        for activity in next_set(ws, max(0.01, deadline - time.monotonic()))["activities"]:
            if activity["from"].get("role") != "bot":
                continue
            seen.append(dict(activity, _received=time.monotonic()))
            if activity["type"] == "message":
                return seen


def stream_info(activity: Dict[str, Any]) -> Dict[str, Any]:
    infos = [e for e in activity.get("entities", []) if e.get("type") == "streaminfo"]
    assert len(infos) == 1, activity
    return infos[0]


@pytest.mark.parametrize("text", ["hello streaming world", "x", "",
                                  "héllo wörld ☃ 雪 " * 5 + "end"])
def test_stream_delivery_mode_streams_chunks_then_final(adl, text):
    started = adl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        posted = adl.post_ok(started["conversationId"],
                             message(text, deliveryMode="stream", channelData={"k": 1}))
        activities = collect_stream(ws)
    *chunks, final = activities
    assert len(chunks) >= 3
    assert all(c["type"] == "typing" and c["replyToId"] == posted for c in chunks)
    stream_id = chunks[0]["id"]
    for sequence, chunk in enumerate(chunks, start=1):
        info = stream_info(chunk)
        assert info["streamType"] == "streaming"
        assert info["streamSequence"] == sequence
        assert chunk["channelData"]["streamSequence"] == sequence
        assert chunk["channelData"]["streamType"] == "streaming"
        if sequence == 1:  # the first chunk defines the stream: its own id is the streamId
            assert "streamId" not in info and "streamId" not in chunk["channelData"]
        else:
            assert info["streamId"] == stream_id == chunk["channelData"]["streamId"]
    texts = [c["text"] for c in chunks]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))  # cumulative
    assert texts[-1] == "echo: " + text
    assert final["text"] == "echo: " + text and final["replyToId"] == posted
    info = stream_info(final)
    assert info == {"type": "streaminfo", "streamId": stream_id, "streamType": "final"}
    assert final["channelData"] == {"streamId": stream_id, "streamType": "final"}


def test_stream_chunks_are_spaced_and_polling_sees_only_the_final(adl):
    started = adl.start_ok()
    conversation = started["conversationId"]
    with open_stream(started["streamUrl"]) as ws:
        adl.post_ok(conversation, message("one two three four", deliveryMode="stream"))
        activities = collect_stream(ws)
    gaps = [b["_received"] - a["_received"] for a, b in zip(activities, activities[1:])]
    assert sum(gaps) >= 0.015 * len(gaps)  # default --stream-delay 30 ms, with slack
    polled = [a for a in adl.all_activities(conversation) if a["from"]["role"] == "bot"]
    assert [a["type"] for a in polled] == ["message"]  # typing is never stored
    assert stream_info(polled[0])["streamType"] == "final"


def test_stream_delay_flag():
    with Emulator("--stream-delay", "150") as emulator:
        client = DirectLine(emulator)
        started = client.start_ok()
        with open_stream(started["streamUrl"]) as ws:
            client.post_ok(started["conversationId"], message("a b c", deliveryMode="stream"))
            activities = collect_stream(ws)
        assert activities[-1]["_received"] - activities[0]["_received"] >= 0.14 * (len(activities) - 1)


def test_stream_that_outlives_its_conversation_stops_quietly(adl):
    conversation = adl.start_ok()["conversationId"]
    adl.post_ok(conversation, message("long " * 40, deliveryMode="stream"))
    adl.post_ok(conversation, {"type": "endOfConversation", "from": {"id": "u1"}})
    time.sleep(0.4)
    bot = [a for a in adl.all_activities(conversation) if a["from"]["role"] == "bot"]
    assert bot == []  # the final message never came, and nothing broke


def test_plain_messages_still_echo_without_stream_markers(adl):
    conversation = adl.start_ok()["conversationId"]
    posted = adl.post_ok(conversation, message("plain"))
    reply = replies_to(adl, conversation, posted)
    assert [a["text"] for a in reply] == ["echo: plain"]
    assert "entities" not in reply[0]


# --- sign-in --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["login", " LOGIN "])
def test_login_gets_an_oauth_card_pointing_at_the_emulator(adl, text):
    conversation = adl.start_ok()["conversationId"]
    posted = adl.post_ok(conversation, message(text))
    [reply] = replies_to(adl, conversation, posted)
    [card] = [a for a in reply["attachments"] if a["contentType"] == OAUTH]
    [button] = card["content"]["buttons"]
    assert button["type"] == "signin"
    assert button["value"].startswith(adl.base + "/signin?")
    page = adl.http.get(button["value"], timeout=HTTP_TIMEOUT)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Signed in" in page.text


def test_signin_page_echoes_nothing_from_the_query(adl):
    page = adl.http.get(f"{adl.base}/signin", params={"state": "<script>x</script>"},
                        timeout=HTTP_TIMEOUT)
    assert page.status_code == 200 and "<script>" not in page.text


# --- channelData on the user's own activity -------------------------------------------------------
def test_own_activity_keeps_channel_data_unchanged(adl):
    channel_data = {"clientActivityID": "1712345678901abcdef", "nested": {"a": [1, 2.5, None]},
                    "unicode": "é☃"}
    started = adl.start_ok()
    with open_stream(started["streamUrl"]) as ws:
        posted = adl.post_ok(started["conversationId"], message("cd", channelData=channel_data))
        streamed = next(a for a in next_set(ws)["activities"] if a["id"] == posted)
    polled = next(a for a in adl.all_activities(started["conversationId"]) if a["id"] == posted)
    assert streamed["channelData"] == channel_data
    assert polled["channelData"] == channel_data
