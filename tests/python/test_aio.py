"""directline.aio: the same API as coroutines, without blocking the event loop."""
from __future__ import annotations

import asyncio
import time
from typing import Any, List

import pytest

import directline
from directline import aio
from conftest import SECRET, add_fault, bot_says
from support.emulator import Emulator


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_aio_shared_behaviour(emulator: Emulator) -> None:
    async def main() -> None:
        async with aio.Client(emulator.v3, timeout=10) as client:
            token = await client.generate_token(SECRET, user_id="dl_bob")
            async with await client.start_conversation(token) as conversation:
                assert conversation.is_new and conversation.id == token.conversation_id
                sent = await conversation.send_message("hi async", user_id="dl_bob")
                texts: List[str] = []
                async for activity in conversation:
                    if activity["type"] == "message" and not conversation.is_own(activity):
                        texts.append(activity["text"])
                        assert activity["replyToId"] == sent
                        break
                assert texts == ["echo: hi async"]
                await conversation.refresh_token()
                await conversation.reconnect(conversation.watermark)
                got = await conversation.get_activities()
                assert got["activities"]
                assert await conversation.upload([("f.txt", b"x", "text/plain")], user_id="u1")
                assert await conversation.end(user_id="dl_bob")
                assert conversation.ended
            assert conversation.closed
    run(main())


def test_aio_does_not_block_event_loop(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,delay=300")

    async def main() -> None:
        async with aio.Client(emulator.v3, timeout=10) as client:
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.01)

            tick_task = asyncio.ensure_future(ticker())
            started = time.monotonic()
            tokens = await asyncio.gather(*(client.generate_token(SECRET) for _ in range(4)))
            elapsed = time.monotonic() - started
            tick_task.cancel()
            assert len({t.token for t in tokens}) == 4
            assert elapsed < 0.9, elapsed  # 4 x 300 ms ran concurrently
            assert ticks >= 15  # the loop kept running while they waited
    run(main())


def test_aio_cancelled_wait_loses_nothing(emulator: Emulator) -> None:
    async def main() -> None:
        async with aio.Client(emulator.v3, timeout=10) as client:
            async with await client.start_conversation(SECRET) as conversation:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(conversation.next_activity(), 0.2)
                bot_says(emulator, conversation.id, {"count": 3, "text": "m"})
                texts = []
                while len(texts) < 3:
                    a = await conversation.next_activity(timeout=5)
                    assert a is not None
                    texts.append(a["text"])
                assert texts == ["m 1", "m 2", "m 3"]
                assert await conversation.next_activity(timeout=0.2) is None
    run(main())


def test_aio_errors_are_the_same_classes(emulator: Emulator) -> None:
    async def main() -> None:
        async with aio.Client(emulator.v3) as client:
            with pytest.raises(directline.ForbiddenError):
                await client.generate_token("wrong-secret")
            with pytest.raises(directline.InvalidArgumentError):
                await client.start_conversation("")
    run(main())


def test_aio_resume(emulator: Emulator) -> None:
    async def main() -> None:
        async with aio.Client(emulator.v3) as client:
            token = await client.generate_token(SECRET)
            conversation = await client.start_conversation(token)
            state = conversation.export_state()
            await conversation.close()
            bot_says(emulator, conversation.id, {"count": 1, "text": "later"})
            async with await client.resume_conversation(state) as resumed:
                a = await resumed.next_activity(timeout=5)
                assert a is not None and a["text"] == "later 1"
    run(main())


def test_aio_after_close(emulator: Emulator) -> None:
    async def main() -> None:
        client = aio.Client(emulator.v3)
        conversation = await client.start_conversation(SECRET)
        await client.close()
        assert await conversation.send_message("still works", user_id="u1")  # outlives client
        await conversation.close()
        await conversation.close()
        assert await conversation.next_activity(timeout=1) is None
        with pytest.raises(directline.ConversationClosedError):
            await conversation.send_message("closed", user_id="u1")
        for bad_timeout in (-1, float("nan"), "1"):
            with pytest.raises(directline.InvalidArgumentError):
                await conversation.next_activity(bad_timeout)  # type: ignore[arg-type]
        with pytest.raises(directline.InvalidArgumentError):
            await client.generate_token(SECRET)
        assert client._pool.executor._shutdown  # both users gone: pool shut down
    run(main())
