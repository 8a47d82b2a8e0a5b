"""A small, fully typed use of directline (checked with mypy --strict).

Run against a local emulator:
    directline-emulator --secret s3cret &      # prints: listening on http://127.0.0.1:PORT
    DIRECTLINE_SECRET=s3cret python typed_example.py http://127.0.0.1:PORT/v3/directline \
        [http://127.0.0.1:PORT/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=1]
"""
from __future__ import annotations

import asyncio
import os
import sys
from typing import List, Optional, Tuple

import directline
from directline import aio


def ask(endpoint: str, secret: str, question: str) -> Optional[str]:
    """Sends one message and returns the bot's first reply text (None if none came)."""
    with directline.Client(endpoint, timeout=10) as client:
        token: directline.Token = client.generate_token(secret, user_id="dl_example")
        with client.start_conversation(token) as conversation:
            sent: Optional[str] = conversation.send_message(question, user_id="dl_example")
            while True:
                activity: Optional[directline.Activity] = conversation.next_activity(timeout=10)
                if activity is None:
                    return None
                if activity.get("type") == "message" and activity.get("replyToId") == sent:
                    text = activity.get("text")
                    return text if isinstance(text, str) else None


async def ask_many(endpoint: str, secret: str, questions: List[str]) -> List[Optional[str]]:
    """The same with asyncio, several conversations at once."""
    async with aio.Client(endpoint, timeout=10) as client:

        async def one(question: str) -> Optional[str]:
            async with await client.start_conversation(secret) as conversation:
                sent = await conversation.send_message(question)
                async for activity in conversation:
                    if activity.get("replyToId") == sent and activity.get("type") == "message":
                        text = activity.get("text")
                        return text if isinstance(text, str) else None
            return None

        return list(await asyncio.gather(*(one(q) for q in questions)))


def ask_agent(token_endpoint_url: str, question: str) -> Tuple[str, List[str]]:
    """A Copilot Studio agent: its region, a token, the greeting event, then the answer as
    it streams. Returns the final text and the texts seen on the way."""
    with directline.Client(timeout=10) as bootstrap:
        endpoint: str = bootstrap.fetch_regional_endpoint(token_endpoint_url)
        token: directline.Token = bootstrap.fetch_token(token_endpoint_url)
    with directline.Client(endpoint, timeout=10, stream_replies=True) as client, \
            client.start_conversation(token, locale="en-US", send_start_event=True) as conversation:
        for activity in conversation:  # the greeting; receiving also opens the stream
            if activity["type"] == "message" and not activity.is_own:
                break
        sent = conversation.send_message(question)
        seen: List[str] = []
        for update in conversation.stream_reply(sent, timeout=30):
            chunk: directline.ReplyUpdate = update
            seen.append(chunk.text)
            if chunk.final:
                signin: Optional[str] = chunk.activity.signin_url
                return (signin or chunk.text), seen
    return "", seen


async def ask_agent_async(endpoint: str, token: directline.Token, question: str) -> str:
    """The streamed answer with asyncio (endpoint and token as ask_agent finds them)."""
    async with aio.Client(endpoint, timeout=10, stream_replies=True) as client:
        async with await client.start_conversation(token, send_start_event=True) as conversation:
            await conversation.next_activity(timeout=10)
            sent = await conversation.send_message(question)
            text = ""
            async for update in conversation.stream_reply(sent, timeout=30):
                text = update.text
            return text


def main(argv: List[str]) -> int:
    """Entry point: python typed_example.py ENDPOINT [AGENT_TOKEN_URL] (secret in $DIRECTLINE_SECRET)."""
    if len(argv) not in (2, 3) or "DIRECTLINE_SECRET" not in os.environ:
        print("usage: DIRECTLINE_SECRET=... python typed_example.py ENDPOINT [AGENT_TOKEN_URL]",
              file=sys.stderr)
        return 2
    endpoint, secret = argv[1], os.environ["DIRECTLINE_SECRET"]
    try:
        print(ask(endpoint, secret, "hello"))
        print(asyncio.run(ask_many(endpoint, secret, ["one", "two"])))
        if len(argv) == 3:
            print(ask_agent(argv[2], "What is Direct Line?"))
            with directline.Client(timeout=10) as bootstrap:
                token = bootstrap.fetch_token(argv[2])
            print(asyncio.run(ask_agent_async(endpoint, token, "streamed")))
    except directline.ThrottledError as e:
        print(f"throttled; retry after {e.retry_after} s", file=sys.stderr)
        return 1
    except directline.DirectLineError as e:
        print(f"failed: {e} (HTTP {e.http_status})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
