"""Copilot Studio agents against the emulator: token endpoint, regional endpoint, greeting,
streamed replies (stream_reply and its asyncio twin), sign-in cards, the new client options."""
from __future__ import annotations

import asyncio
import copy
import json
import os
import pickle
import subprocess
import sys
import time
import urllib.request
from typing import Any, Dict, List

import pytest

import directline
from directline import aio
from support.emulator import Emulator

from conftest import REPO, SECRET, bot_says

API_VERSION = "api-version=2022-03-01-preview"


def token_url(emulator: Emulator, schema: str = "emulator.agent") -> str:
    return (f"{emulator.base_url}/powervirtualagents/botsbyschema/{schema}/directline/token"
            f"?{API_VERSION}")


def first_message(conversation: directline.Conversation) -> directline.Activity:
    """The next message that is not our own (skips our echoes and typing)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        activity = conversation.next_activity(timeout=deadline - time.monotonic())
        if activity is not None and activity["type"] == "message" and not activity.is_own:
            return activity
    raise AssertionError("no message from the bot within 10 s")


def check_streamed(updates: List[directline.ReplyUpdate], text: str) -> None:
    """At least 3 chunks with growing cumulative text, one stream, then the final message."""
    chunks, final = updates[:-1], updates[-1]
    assert len(chunks) >= 3, [u.text for u in updates]
    assert not any(u.final or u.informative for u in chunks)
    for before, after in zip(chunks, chunks[1:]):
        assert after.text.startswith(before.text) and len(after.text) > len(before.text)
    assert [u.activity.stream_sequence for u in chunks] == list(range(1, len(chunks) + 1))
    assert {u.activity["type"] for u in chunks} == {"typing"}
    assert len({u.activity.stream_id for u in updates}) == 1
    assert final.final and final.text == f"echo: {text}" == chunks[-1].text
    assert final.activity["type"] == "message" and final.activity.stream_type == "final"
    assert final.activity.stream_sequence == 0


def test_fetch_token_and_regional_endpoint_start_that_conversation(emulator: Emulator) -> None:
    url = token_url(emulator)
    with directline.Client(timeout=10) as bootstrap:
        assert bootstrap.endpoint == "https://directline.botframework.com/v3/directline"
        endpoint = bootstrap.fetch_regional_endpoint(url)
        token = bootstrap.fetch_token(url)
    assert endpoint == emulator.v3
    assert token.token and token.conversation_id and token.expires_in > 0
    assert token.token not in repr(token)
    with directline.Client(endpoint, timeout=10) as client, \
            client.start_conversation(token) as conversation:
        assert conversation.id == token.conversation_id and conversation.is_new
        assert conversation.user_id is None  # started without start options


def test_token_endpoint_errors_carry_the_http_status(emulator: Emulator) -> None:
    with directline.Client(timeout=10, retry_attempts=1) as client:
        with pytest.raises(directline.NotFoundError) as unknown:
            client.fetch_token(token_url(emulator, "no.such.agent"))
        # The service's own words for an unknown agent (ErrorMessage) reach the message.
        assert unknown.value.http_status == 404 and "ItemWithIdNotFound" in str(unknown.value)
        assert unknown.value.result_name == "DL_ENOTFOUND"
        assert unknown.value.service_code == "4103"   # Power Platform's numeric ErrorCode
        with pytest.raises(directline.BadRequestError) as no_version:
            client.fetch_token(token_url(emulator).split("?")[0])
        assert no_version.value.http_status == 400
        assert "MissingApiVersionParameter" in str(no_version.value)
        with pytest.raises(directline.InvalidArgumentError) as not_a_url:
            client.fetch_token("not a url")
        assert not_a_url.value.result_name == "DL_EINVALID"
        with pytest.raises(directline.InvalidArgumentError):
            client.fetch_regional_endpoint("")


def test_region_names_are_endpoints() -> None:
    with directline.Client("europe") as client:
        assert client.endpoint == "https://europe.directline.botframework.com/v3/directline"
    with directline.Client("india", "1.1") as client:
        assert client.endpoint == "https://india.directline.botframework.com/api"


def test_greeting_in_french_with_the_start_options(client: directline.Client) -> None:
    with client.start_conversation(SECRET, user_id="dl_ann", user_name="Ann",
                                   locale="fr-FR", local_timezone="Europe/Paris",
                                   send_start_event=True) as conversation:
        assert conversation.user_id == "dl_ann"
        event = conversation.next_activity(timeout=10)
        assert event is not None and event.is_own and conversation.is_own(event)
        assert event["type"] == "event" and event["name"] == "startConversation"
        assert event["from"] == {"id": "dl_ann", "name": "Ann", "role": "user"}
        assert event["locale"] == "fr-FR" and event["localTimezone"] == "Europe/Paris"
        greeting = first_message(conversation)
        assert greeting["text"].startswith("Bonjour")
        assert greeting.reply_to_id == event["id"]
        # send_message's default sender is the conversation's user.
        sent = conversation.send_message("salut")
        own = conversation.next_activity(timeout=10)
        assert own is not None and own["id"] == sent and own["from"]["id"] == "dl_ann"


def test_start_options_without_a_user_id_generate_one(client: directline.Client) -> None:
    with client.start_conversation(SECRET, send_start_event=True) as conversation:
        assert conversation.user_id is not None and conversation.user_id.startswith("dl_")
        assert first_message(conversation)["text"].startswith("Hello")


def test_streamed_reply_grows_and_ends_with_the_final_message(emulator: Emulator) -> None:
    text = "tell me about streamed replies please"
    with directline.Client(emulator.v3, timeout=10, stream_replies=True) as client, \
            client.start_conversation(SECRET) as conversation:
        # Chunks are only on the live stream, which opens with the first receive.
        assert conversation.next_activity(timeout=0.3) is None
        sent = conversation.send_message(text)
        updates = list(conversation.stream_reply(sent, timeout=10))
        check_streamed(updates, text)
        assert all(u.activity.reply_to_id == sent for u in updates)
        # Our own message arrived meanwhile: set aside, not lost.
        own = conversation.next_activity(timeout=5)
        assert own is not None and own["id"] == sent and own["deliveryMode"] == "stream"
        assert conversation.next_activity(timeout=0.3) is None


def test_two_turns_back_to_back_each_get_their_reply(emulator: Emulator) -> None:
    with directline.Client(emulator.v3, timeout=10, stream_replies=True) as client, \
            client.start_conversation(SECRET) as conversation:
        assert conversation.next_activity(timeout=0.3) is None
        first = conversation.send_message("one two three")
        second = conversation.send_message("four five six")
        # The second reply's chunks interleave with the first's: set aside, then claimed.
        check_streamed(list(conversation.stream_reply(first, timeout=10)), "one two three")
        check_streamed(list(conversation.stream_reply(second, timeout=10)), "four five six")
        left = [conversation.next_activity(timeout=0.5) for _ in range(3)]
        assert [a["id"] for a in left if a is not None] == [first, second]


def test_reply_that_is_not_streamed_is_one_final_update(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        assert conversation.next_activity(timeout=0.3) is None  # typing is only live
        sent = conversation.send_message("plain")
        updates = list(conversation.stream_reply(sent, timeout=10))
        assert len(updates) == 1 and updates[0].final and updates[0].text == "echo: plain"
        assert updates[0].activity.stream_id is None
        # The echo bot's plain typing indicator and our own message stay for next_activity.
        rest = [conversation.next_activity(timeout=2) for _ in range(2)]
        assert sorted(a["type"] for a in rest if a is not None) == ["message", "typing"]


def test_polling_sees_only_the_final_message(emulator: Emulator) -> None:
    with directline.Client(emulator.v3, timeout=10, stream_replies=True, receive_mode="polling",
                           polling_interval=0.2) as client, \
            client.start_conversation(SECRET) as conversation:
        sent = conversation.send_message("polled words here")
        updates = list(conversation.stream_reply(sent, timeout=10))
        assert len(updates) == 1 and updates[0].final
        assert updates[0].text == "echo: polled words here"
        assert updates[0].activity.stream_type == "final"


def test_informative_stale_and_stream_membership(emulator: Emulator,
                                                client: directline.Client) -> None:
    """Web Chat's rules on bot activities made by hand: an informative update, a chunk that
    belongs by its stream id alone, one that arrives after a newer one (dropped), and a final
    message carrying the stream only in the older channelData form."""
    def stream(kind: str, sequence: int = 0, stream_id: str = "") -> Dict[str, Any]:
        info: Dict[str, Any] = {"type": "streaminfo", "streamType": kind}
        if sequence:
            info["streamSequence"] = sequence
        if stream_id:
            info["streamId"] = stream_id
        return {"entities": [info]}

    with client.start_conversation(SECRET) as conversation:
        assert conversation.next_activity(timeout=0.3) is None
        sent = conversation.post_activity({"type": "event", "name": "ask", "from": {"id": "u"}})
        assert sent is not None
        first = bot_says(emulator, conversation.id, {"type": "typing", "text": "Searching...",
                                                     "replyToId": sent,
                                                     **stream("informative", 1)})["ids"][0]
        for body in ({"type": "typing", "text": "The answer", **stream("streaming", 3, first)},
                     {"type": "typing", "text": "The", **stream("streaming", 2, first)},
                     {"type": "message", "text": "The answer is 42",
                      "channelData": {"streamId": first, "streamType": "final"}}):
            bot_says(emulator, conversation.id, body)
        updates = list(conversation.stream_reply(sent, timeout=10))
        assert [(u.text, u.informative, u.final) for u in updates] == [
            ("Searching...", True, False), ("The answer", False, False),
            ("The answer is 42", False, True)]
        assert {u.activity.stream_id for u in updates} == {first}
        own = conversation.next_activity(timeout=2)
        assert own is not None and own["id"] == sent
        assert conversation.next_activity(timeout=0.3) is None  # the stale chunk is gone


def test_stream_reply_times_out_and_keeps_what_arrived(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        sent = conversation.send_message("nobody waits for this")
        start = time.monotonic()
        with pytest.raises(directline.DirectLineTimeoutError) as timed_out:
            next(conversation.stream_reply("not-a-sent-id", timeout=0.5))
        assert 0.4 < time.monotonic() - start < 5
        assert isinstance(timed_out.value, TimeoutError) and timed_out.value.code == -11
        # The reply that did arrive is still there for its own turn.
        updates = list(conversation.stream_reply(sent, timeout=10))
        assert updates[-1].text == "echo: nobody waits for this"


def test_set_aside_activities_are_bounded_and_never_dropped(emulator: Emulator,
                                                             client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        assert conversation.next_activity(timeout=0.3) is None
        bot_says(emulator, conversation.id, {"count": 1001, "text": "unrelated"})
        with pytest.raises(directline.ProtocolError) as flooded:
            for _ in conversation.stream_reply("not-a-sent-id", timeout=10):
                pass
        assert "1000" in str(flooded.value)
        texts = [conversation.next_activity(timeout=5) for _ in range(1001)]
        assert [a["text"] for a in texts if a is not None] == \
            [f"unrelated {i}" for i in range(1, 1002)]


def test_stream_reply_arguments_and_ended_conversation(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        with pytest.raises(directline.InvalidArgumentError):
            next(conversation.stream_reply(None, timeout=1))
        with pytest.raises(directline.InvalidArgumentError):
            next(conversation.stream_reply("x", timeout=0))
        sent = conversation.end()
        assert sent is not None
        with pytest.raises(directline.ConversationEndedError):
            next(conversation.stream_reply(sent, timeout=5))
        conversation.close()
        with pytest.raises(directline.ConversationClosedError):
            next(conversation.stream_reply(sent, timeout=5))


def test_sign_in_card_gives_its_url(emulator: Emulator, client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        sent = conversation.send_message("login")
        final = list(conversation.stream_reply(sent, timeout=10))[-1].activity
        url = final.signin_url
        assert url is not None and url.startswith(f"{emulator.base_url}/signin?")
        assert final["attachments"][0]["contentType"] == "application/vnd.microsoft.card.oauth"
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
        sent = conversation.send_message("no card here")
        assert list(conversation.stream_reply(sent, timeout=10))[-1].activity.signin_url is None


def test_activity_is_still_a_plain_dict(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        sent = conversation.send_message("dict please")
        reply = list(conversation.stream_reply(sent, timeout=10))[-1].activity
    assert isinstance(reply, dict) and isinstance(reply, directline.Activity)
    as_dict = json.loads(json.dumps(reply))
    assert as_dict == reply and as_dict["replyToId"] == reply.reply_to_id == sent
    for clone in (copy.copy(reply), copy.deepcopy(reply), pickle.loads(pickle.dumps(reply))):
        assert clone == reply and clone.reply_to_id == sent and not clone.is_own
    with pytest.raises(AttributeError):
        reply.reply_to_id = "x"  # type: ignore[misc]
    made = directline.Activity({"type": "message", "replyToId": "r"})
    assert made.reply_to_id is None and made.stream_sequence == 0 and not made.is_own


def test_client_options_reach_the_library(emulator: Emulator) -> None:
    with directline.Client(emulator.v3, timeout=10, max_response_bytes=1 << 20,
                           reconnect_base_delay=0.1, reconnect_max_delay=2,
                           receive_queue_limit=50) as client:
        client.start_conversation(SECRET).close()
    # The library itself checks the pair (the binding passes both through).
    with pytest.raises(directline.InvalidArgumentError) as inverted:
        directline.Client(emulator.v3, reconnect_base_delay=5, reconnect_max_delay=1)
    assert "reconnect_max_delay_ms" in str(inverted.value)
    for bad in ({"max_response_bytes": 0}, {"receive_queue_limit": -1},
                {"receive_queue_limit": True}, {"reconnect_base_delay": -1},
                {"reconnect_max_delay": float("nan")}):
        with pytest.raises(directline.InvalidArgumentError):
            directline.Client(emulator.v3, **bad)  # type: ignore[arg-type]


def test_aio_copilot_flow(emulator: Emulator) -> None:
    async def main() -> None:
        url = token_url(emulator)
        async with aio.Client(timeout=10) as bootstrap:
            endpoint = await bootstrap.fetch_regional_endpoint(url)
            token = await bootstrap.fetch_token(url)
        async with aio.Client(endpoint, timeout=10, stream_replies=True) as client:
            conversation = await client.start_conversation(token, locale="en-US",
                                                           send_start_event=True)
            async with conversation:
                assert conversation.user_id is not None
                async for activity in conversation:
                    if activity["type"] == "message" and not activity.is_own:
                        assert activity["text"].startswith("Hello")
                        break
                sent = await conversation.send_message("async streamed words")
                updates = [u async for u in conversation.stream_reply(sent, timeout=10)]
                check_streamed(updates, "async streamed words")
                own = await conversation.next_activity(timeout=5)
                assert own is not None and own["id"] == sent
                with pytest.raises(directline.DirectLineTimeoutError):
                    async for _ in conversation.stream_reply("not-sent", timeout=0.3):
                        pass

    asyncio.run(main())


def test_copilot_example_runs_against_the_emulator(emulator: Emulator) -> None:
    result = subprocess.run([sys.executable, str(REPO / "examples/python/copilot.py"),
                             token_url(emulator)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DIRECTLINE_TOKEN_ENDPOINT": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("bot: Hello") for line in lines), result.stdout
    assert len([line for line in lines if line.startswith("... ")]) >= 3, result.stdout
    assert "bot: echo: What is Direct Line?" in lines, result.stdout
    assert any(line.startswith(f"sign in at: {emulator.base_url}/signin?") for line in lines)
