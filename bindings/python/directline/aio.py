"""directline.aio: the directline API as coroutines, for asyncio.

The same names and arguments as the blocking API; each network call runs in a
thread pool owned by the client (the native calls release the GIL), so the
event loop never blocks::

    import asyncio
    from directline import aio

    async def main() -> None:
        async with aio.Client(endpoint) as client:
            async with await client.start_conversation(secret) as conversation:
                await conversation.send_message("hi", user_id="user1")
                async for activity in conversation:
                    if not conversation.is_own(activity):
                        print(activity.get("text"))
                        break

    asyncio.run(main())

Cancelling a task waiting in next_activity() loses nothing: an activity that
arrives meanwhile is returned by the next call. A streamed reply::

    sent = await conversation.send_message("What is Direct Line?")
    async for update in conversation.stream_reply(sent, timeout=30):
        print(update.text)
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import math
import threading
from types import TracebackType
from typing import (Any, AsyncIterator, Callable, Dict, Iterable, Mapping, Optional, Type,
                    TypeVar, Union)

from . import _client
from ._client import Activity, ReplyUpdate, Token, UploadSource
from ._errors import DirectLineTimeoutError, InvalidArgumentError

__all__ = ["Client", "Conversation"]

_T = TypeVar("_T")
# next_activity waits in slices of this many seconds, so close() and cancellation
# never leave a pool thread blocked for long.
_WAIT_SLICE_S = 1.0


class _Pool:
    """The thread pool shared by a client and its conversations.

    Shut down once the client and every conversation using it are closed
    (objects dropped without close() leave it to the garbage collector).
    """

    def __init__(self, max_workers: int) -> None:
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="directline-aio")
        self._users = 1  # the client
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            last = self._users == 0
        if last:
            self.executor.shutdown(wait=False)

    async def run(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))


class Conversation:
    """Async counterpart of directline.Conversation (``async with``, ``async for``).

    Network operations are coroutines; properties, is_own() and export_state() are plain.
    """

    def __init__(self, sync: _client.Conversation, pool: _Pool) -> None:
        """Internal: use the aio.Client methods to get one."""
        self._sync = sync
        self._pool = pool
        pool.acquire()
        self._released = False
        self._receive_lock = asyncio.Lock()
        self._pending: Optional["asyncio.Future[Optional[Activity]]"] = None

    @property
    def sync(self) -> _client.Conversation:
        """The underlying blocking Conversation."""
        return self._sync

    @property
    def id(self) -> str:
        """The conversation id."""
        return self._sync.id

    @property
    def token(self) -> Optional[str]:
        """The current token; None when using a secret only."""
        return self._sync.token

    @property
    def stream_url(self) -> Optional[str]:
        """The current stream URL; None when there is none."""
        return self._sync.stream_url

    @property
    def expires_in(self) -> int:
        """Seconds the current token was issued for; 0 when unknown."""
        return self._sync.expires_in

    @property
    def is_new(self) -> bool:
        """True when start_conversation created it (HTTP 201)."""
        return self._sync.is_new

    @property
    def ended(self) -> bool:
        """True once an endOfConversation was sent or received."""
        return self._sync.ended

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._sync.closed

    @property
    def watermark(self) -> Optional[str]:
        """The last watermark seen by receiving; None before any."""
        return self._sync.watermark

    @property
    def user_id(self) -> Optional[str]:
        """The user id of a conversation started with start options; None otherwise."""
        return self._sync.user_id

    async def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self._sync.closed:
            return fn(*args)  # raises ConversationClosedError at once: no pool needed
        return await self._pool.run(fn, *args)

    def is_own(self, activity: Mapping[str, Any]) -> bool:
        """True if this conversation posted ``activity`` (see directline.Conversation.is_own)."""
        return self._sync.is_own(activity)

    def export_state(self) -> str:
        """JSON state for Client.resume_conversation (holds the token: keep it secret)."""
        return self._sync.export_state()

    async def post_activity(self, activity: Mapping[str, Any]) -> Optional[str]:
        """Posts one activity dict; returns its id (None with 1.1)."""
        return await self._run(self._sync.post_activity, activity)

    async def send_message(self, text: str, user_id: Optional[str] = None) -> Optional[str]:
        """Posts a text message from ``user_id``; returns its id."""
        return await self._run(self._sync.send_message, text, user_id)

    async def upload(self, files: Iterable[UploadSource], user_id: Optional[str] = None,
                     activity: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """Uploads files as one message (see directline.Conversation.upload)."""
        return await self._run(self._sync.upload, list(files), user_id, activity)

    async def end(self, user_id: Optional[str] = None) -> Optional[str]:
        """Ends the conversation (posts endOfConversation)."""
        return await self._run(self._sync.end, user_id)

    async def get_activities(self, watermark: Optional[str] = None) -> Dict[str, Any]:
        """One poll: the service's activity set after ``watermark``, as a dict."""
        return await self._run(self._sync.get_activities, watermark)

    async def reconnect(self, watermark: Optional[str] = None) -> None:
        """Fetches a fresh stream URL (3.0)."""
        await self._run(self._sync.reconnect, watermark)

    async def refresh_token(self) -> None:
        """Refreshes the conversation's token now."""
        await self._run(self._sync.refresh_token)

    async def set_token(self, token: str) -> None:
        """Hands in a token refreshed elsewhere."""
        await self._run(self._sync.set_token, token)

    async def next_activity(self, timeout: Optional[float] = None) -> Optional[Activity]:
        """Waits for the next activity (an Activity, a dict); None on timeout, or once ended
        or closed. Activities stream_reply set aside come first."""
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                    or math.isnan(timeout) or timeout < 0:
                raise InvalidArgumentError("timeout must be None or a number of seconds >= 0")
            if math.isinf(timeout):
                timeout = None
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        async with self._receive_lock:
            aside = self._sync._pop_set_aside()
            if aside is not None:
                return aside
            return await self._receive(deadline)

    async def _receive(self, deadline: Optional[float]) -> Optional[Activity]:
        """Reads the next received activity (not the set-aside ones) until the loop time
        ``deadline``; the caller holds _receive_lock."""
        loop = asyncio.get_running_loop()
        while True:
            if self._pending is None and self._sync.closed:
                return None
            if self._pending is None:
                wait = _WAIT_SLICE_S if deadline is None else max(
                    0.0, min(_WAIT_SLICE_S, deadline - loop.time()))
                self._pending = asyncio.ensure_future(
                    self._pool.run(self._sync._receive, wait))
            pending = self._pending
            try:
                # shield: a cancelled caller leaves the wait running; its result
                # (possibly an activity) is picked up by the next call.
                activity = await asyncio.shield(pending)
            finally:
                if pending.done():
                    self._pending = None
            if activity is not None:
                return activity
            if self._sync.closed or self._sync.ended:
                return None
            if deadline is not None and loop.time() >= deadline:
                return None

    def __aiter__(self) -> AsyncIterator[Activity]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Activity]:
        while True:
            activity = await self.next_activity()
            if activity is None:
                return
            yield activity

    async def stream_reply(self, sent_id: Optional[str],
                           timeout: float = 60.0) -> AsyncIterator[ReplyUpdate]:
        """Yields the reply to ``sent_id`` as it grows, ending with the final message
        (``async for``; see directline.Conversation.stream_reply for the rules).

        DirectLineTimeoutError when no update came within ``timeout`` seconds.
        """
        turn = _client._ReplyTurn(_client._check_text("sent_id", sent_id))
        wait = _client._check_timeout(timeout)
        for update in self._sync._claim_set_aside(turn):
            yield update
            if update.final:
                return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            if loop.time() >= deadline:
                raise DirectLineTimeoutError(f"no update of the reply within {wait:g} s",
                                             code=-11)
            # The lock is held per read, never across a yield: a caller that stops
            # iterating must not block next_activity().
            async with self._receive_lock:
                activity = await self._receive(deadline)
            if activity is None:
                self._sync._check_receiving()
                continue
            taken = turn.take(activity)
            if taken is None:
                self._sync._keep_set_aside(activity)
            elif isinstance(taken, ReplyUpdate):
                yield taken
                if taken.final:
                    return
                deadline = loop.time() + wait

    async def close(self) -> None:
        """Stops receiving and releases the native handle (waiters get None). Idempotent."""
        if self._released:
            return
        await self._pool.run(self._sync.close)
        if not self._released:
            self._released = True
            self._pool.release()

    def __repr__(self) -> str:
        return f"<directline.aio.Conversation id={self.id!r}>"

    async def __aenter__(self) -> "Conversation":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        await self.close()


class Client:
    """Async counterpart of directline.Client; takes the same arguments.

    ``max_workers`` bounds the client's thread pool (each pending call holds one
    thread while it waits on the network).
    """

    def __init__(self, endpoint: Optional[str] = None, api_version: str = "3.0", *,
                 max_workers: int = 32, **options: Any) -> None:
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise InvalidArgumentError("max_workers must be a positive int")
        self._sync = _client.Client(endpoint, api_version, **options)
        self._pool = _Pool(max_workers)

    async def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self._sync.closed:
            return fn(*args)  # raises at once: the pool may be gone
        return await self._pool.run(fn, *args)

    @property
    def sync(self) -> _client.Client:
        """The underlying blocking Client."""
        return self._sync

    @property
    def endpoint(self) -> str:
        """The effective endpoint."""
        return self._sync.endpoint

    @property
    def api_version(self) -> str:
        """``"3.0"`` or ``"1.1"``."""
        return self._sync.api_version

    async def generate_token(self, secret: str, user_id: Optional[str] = None,
                             user_name: Optional[str] = None,
                             trusted_origins: Optional[Iterable[str]] = None) -> Token:
        """Exchanges a secret for a token (see directline.Client.generate_token)."""
        # A str is passed on as is, so the blocking API reports it as a mistake.
        origins = trusted_origins if trusted_origins is None or isinstance(
            trusted_origins, str) else list(trusted_origins)
        return await self._run(self._sync.generate_token, secret, user_id, user_name,
                                    origins)

    async def refresh_token(self, token: Union[str, Token],
                            conversation_id: Optional[str] = None) -> Token:
        """Refreshes (3.0) or renews (1.1) a token."""
        return await self._run(self._sync.refresh_token, token, conversation_id)

    async def fetch_token(self, token_endpoint_url: str) -> Token:
        """GETs a token endpoint without credentials (see directline.Client.fetch_token)."""
        return await self._run(self._sync.fetch_token, token_endpoint_url)

    async def fetch_regional_endpoint(self, token_endpoint_url: str) -> str:
        """The agent's regional Direct Line endpoint (see Client.fetch_regional_endpoint)."""
        return await self._run(self._sync.fetch_regional_endpoint, token_endpoint_url)

    async def start_conversation(self, credential: Union[str, Token], *,
                                 user_id: Optional[str] = None, user_name: Optional[str] = None,
                                 locale: Optional[str] = None,
                                 local_timezone: Optional[str] = None,
                                 send_start_event: bool = False) -> Conversation:
        """Starts a conversation with a secret or a token, with optional start options
        (see directline.Client.start_conversation)."""
        start = functools.partial(self._sync.start_conversation, user_id=user_id,
                                  user_name=user_name, locale=locale,
                                  local_timezone=local_timezone,
                                  send_start_event=send_start_event)
        return Conversation(await self._run(start, credential), self._pool)

    async def open_conversation(self, credential: Union[str, Token], conversation_id: str,
                                watermark: Optional[str] = None) -> Conversation:
        """Opens an existing conversation without starting it."""
        return Conversation(await self._run(self._sync.open_conversation, credential,
                                                 conversation_id, watermark), self._pool)

    async def resume_conversation(self, state: Union[str, Mapping[str, Any]]) -> Conversation:
        """Reopens a conversation from export_state()."""
        return Conversation(await self._run(self._sync.resume_conversation, state),
                            self._pool)

    async def close(self) -> None:
        """Releases the client; its conversations stay usable. Idempotent."""
        if not self._sync.closed:
            self._sync.close()
            self._pool.release()

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._sync.closed

    def __repr__(self) -> str:
        return f"<directline.aio.Client endpoint={self.endpoint!r}>"

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        await self.close()
