"""A small, fully typed use of directline (checked with mypy --strict).

Run against a local emulator:
    directline-emulator --secret s3cret &      # prints: listening on http://127.0.0.1:PORT
    DIRECTLINE_SECRET=s3cret python typed_example.py http://127.0.0.1:PORT/v3/directline
"""
from __future__ import annotations

import asyncio
import os
import sys
from typing import List, Optional

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


def main(argv: List[str]) -> int:
    """Entry point: python typed_example.py ENDPOINT (secret in $DIRECTLINE_SECRET)."""
    if len(argv) != 2 or "DIRECTLINE_SECRET" not in os.environ:
        print("usage: DIRECTLINE_SECRET=... python typed_example.py ENDPOINT", file=sys.stderr)
        return 2
    endpoint, secret = argv[1], os.environ["DIRECTLINE_SECRET"]
    try:
        print(ask(endpoint, secret, "hello"))
        print(asyncio.run(ask_many(endpoint, secret, ["one", "two"])))
    except directline.ThrottledError as e:
        print(f"throttled; retry after {e.retry_after} s", file=sys.stderr)
        return 1
    except directline.DirectLineError as e:
        print(f"failed: {e} (HTTP {e.http_status})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
