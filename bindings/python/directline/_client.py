"""The blocking API: Client, Conversation, Token, UploadFile, Activity, ReplyUpdate.

Everything network-bound runs in the native library with the GIL released, so
several Python threads may share one Client (and one Conversation).
"""
from __future__ import annotations

import collections
import json
import math
import mimetypes
import os
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import (Any, Deque, Dict, Iterable, Iterator, List, Mapping, Optional, Set, Tuple,
                    Type, Union)

from . import _directline
from ._errors import (ConversationClosedError, ConversationEndedError, DirectLineTimeoutError,
                      InvalidArgumentError, ProtocolError)

__all__ = ["Client", "Conversation", "Token", "UploadFile", "Activity", "ReplyUpdate",
           "UploadSource", "DEFAULT_USER_ID"]

#: from.id used by send_message/upload/end when no user_id is given and the conversation
#: was not started with one.
DEFAULT_USER_ID = "user"

_API_VERSIONS = {"3.0": 0, "1.1": 1}
_RECEIVE_MODES = {"auto": 0, "polling": 1}
# next_activity(timeout=None) waits in slices so Ctrl-C (signals) is noticed.
_WAIT_SLICE_S = 1.0
# How many own activity ids a conversation remembers for is_own().
_OWN_IDS_KEPT = 4096
# Activities stream_reply sets aside for next_activity: bounded, like the native receive queue.
_SET_ASIDE_LIMIT = 1000
_INT_MAX = 0x7FFFFFFF


def _check_text(name: str, value: object, *, allow_empty: bool = False) -> str:
    """A str without NUL characters (the C API takes NUL-terminated strings)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, not {type(value).__name__}")
    if not allow_empty and not value:
        raise InvalidArgumentError(f"{name} must not be empty")
    if "\x00" in value:
        raise InvalidArgumentError(f"{name} must not contain NUL characters")
    return value


def _optional_text(name: str, value: object) -> Optional[str]:
    return None if value is None else _check_text(name, value)


def _to_ms(name: str, seconds: object, *, allow_zero: bool = False) -> int:
    """Seconds (int or float) to whole milliseconds for the C API."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number of seconds")
    if math.isnan(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        raise InvalidArgumentError(f"{name} must be {'>= 0' if allow_zero else '> 0'} seconds")
    ms = math.ceil(seconds * 1000)
    if ms > 0x7FFFFFFF:
        raise InvalidArgumentError(f"{name} is too large")
    return ms


def _optional_count(name: str, value: object) -> int:
    """A positive int option for the C API; None means the library default (0)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _INT_MAX:
        raise InvalidArgumentError(f"{name} must be None or an int from 1 to {_INT_MAX}")
    return value


def _dump_json(name: str, value: object) -> str:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"{name} must be a dict (a JSON object)")
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"{name} is not JSON-serializable: {e}") from None


def _parse_object(text: str, what: str) -> Dict[str, Any]:
    """A JSON object from the service; anything else is a ProtocolError (content not echoed)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ProtocolError(f"the service sent {what} that is not a JSON object", code=-13)
    return value


class Activity(Dict[str, Any]):
    """A received activity: the JSON object exactly as on the wire, as a dict.

    Read it like any dict (``activity["type"]``, ``activity.get("text")``); the
    read-only properties add what the native library works out for every
    activity (the same answers in every language): ``reply_to_id``, the
    streaming fields and the sign-in URL. They are filled in when the activity is
    received; an Activity built by hand (``Activity({...})``) has them all None
    (``stream_sequence`` 0, ``is_own`` False).
    """

    __slots__ = ("_own", "_reply_to_id", "_stream_id", "_stream_type", "_stream_sequence",
                 "_signin_url")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own = False
        self._reply_to_id: Optional[str] = None
        self._stream_id: Optional[str] = None
        self._stream_type: Optional[str] = None
        self._stream_sequence = 0
        self._signin_url: Optional[str] = None

    @classmethod
    def _received(cls, native: _directline.ActivityTuple) -> "Activity":
        text, own, reply_to_id, stream_id, stream_type, stream_sequence, signin_url = native
        activity = cls(_parse_object(text, "an activity"))
        activity._own = own
        activity._reply_to_id = reply_to_id
        activity._stream_id = stream_id
        activity._stream_type = stream_type
        activity._stream_sequence = stream_sequence
        activity._signin_url = signin_url
        return activity

    @property
    def is_own(self) -> bool:
        """True if this conversation posted the activity itself (its echo)."""
        return self._own

    @property
    def reply_to_id(self) -> Optional[str]:
        """``replyToId``: the id of the activity this one answers; None if none."""
        return self._reply_to_id

    @property
    def stream_id(self) -> Optional[str]:
        """The streamed reply this chunk or final message belongs to; None when not streamed.

        The first chunk names the stream with its own id; later ones carry it in a
        ``streaminfo`` entity (or the older ``channelData`` form).
        """
        return self._stream_id

    @property
    def stream_type(self) -> Optional[str]:
        """``"informative"``, ``"streaming"`` or ``"final"``; None when not streamed."""
        return self._stream_type

    @property
    def stream_sequence(self) -> int:
        """The chunk's sequence number (1, 2, ...); 0 when none (the final message has none)."""
        return self._stream_sequence

    @property
    def signin_url(self) -> Optional[str]:
        """The sign-in URL of the first OAuth or sign-in card attached; None if none."""
        return self._signin_url


@dataclass(frozen=True)
class ReplyUpdate:
    """One step of a streamed reply, as yielded by Conversation.stream_reply.

    Attributes:
        text: the reply so far. Each streaming chunk carries the whole text up to
            that point (not a delta), so show it in place of the previous one. For
            an informative update, the status text ("Searching..."); for the final
            update, the whole reply ("" when the final message has no text).
        activity: the chunk (a ``typing`` activity) or the final message as received.
        final: True for the last update; ``activity`` is then the final message.
        informative: True for a status update that is not part of the answer.
    """

    text: str
    activity: Activity
    final: bool = False
    informative: bool = False


# _ReplyTurn.take's answer for a chunk superseded by a newer one of the same stream.
_STALE = object()


class _ReplyTurn:
    """Which received activities make up the reply to one sent activity.

    Ours: replyToId is the sent id, or the stream id is one already seen in this
    turn. A chunk is a streamed activity; the end is the stream's final activity or
    a message that is not streamed. A chunk with a lower sequence than one already
    seen is stale (arrived out of order) and dropped, as Web Chat does.
    """

    def __init__(self, sent_id: str) -> None:
        self.sent_id = sent_id
        self.sequences: Dict[str, int] = {}
        self.done = False

    def take(self, activity: Activity) -> object:
        """A ReplyUpdate, _STALE, or None for an activity that is not part of the reply."""
        stream_id = activity.stream_id
        if activity.reply_to_id != self.sent_id and (stream_id is None
                                                     or stream_id not in self.sequences):
            return None
        text = activity.get("text")
        text = text if isinstance(text, str) else ""
        if activity.stream_type == "final" or (stream_id is None
                                               and activity.get("type") == "message"):
            self.done = True
            return ReplyUpdate(text, activity, final=True)
        if stream_id is None:
            return None  # e.g. a plain typing indicator: left for next_activity
        sequence = activity.stream_sequence
        if sequence and sequence <= self.sequences.get(stream_id, 0):
            return _STALE
        self.sequences[stream_id] = max(sequence, self.sequences.get(stream_id, 0))
        return ReplyUpdate(text, activity, informative=activity.stream_type == "informative")


def _check_timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
            or value <= 0:
        raise InvalidArgumentError("timeout must be a number of seconds > 0")
    return float(value)


@dataclass(frozen=True, repr=False)
class Token:
    """A Direct Line token (from generate_token, refresh_token or fetch_token).

    Attributes:
        token: the token string (a credential: do not log it; repr() hides it).
        conversation_id: the conversation it is bound to; None when the service did not say (1.1).
        expires_in: lifetime in seconds as returned by the service; 0 when unknown.
    """

    token: str
    conversation_id: Optional[str]
    expires_in: int

    def __repr__(self) -> str:
        return (f"Token(conversation_id={self.conversation_id!r}, expires_in={self.expires_in}, "
                "token=<redacted>)")

    __str__ = __repr__


@dataclass(frozen=True)
class UploadFile:
    """One file for Conversation.upload: a name, its bytes and an optional media type."""

    name: str
    data: bytes
    content_type: Optional[str] = None

    @classmethod
    def from_path(cls, path: Union[str, "os.PathLike[str]"],
                  content_type: Optional[str] = None) -> "UploadFile":
        """Reads a file; the media type is guessed from its name when not given."""
        with open(path, "rb") as f:
            data = f.read()
        name = os.path.basename(os.fspath(path))
        if content_type is None:
            content_type = mimetypes.guess_type(name)[0]
        return cls(name, data, content_type)


#: What upload() accepts per file: a path, an UploadFile, or (name, data[, content_type]).
UploadSource = Union[str, "os.PathLike[str]", UploadFile, Tuple[str, bytes],
                     Tuple[str, bytes, Optional[str]]]


def _upload_file(item: object) -> UploadFile:
    if isinstance(item, UploadFile):
        f = item
    elif isinstance(item, (str, os.PathLike)):
        try:
            f = UploadFile.from_path(item)
        except OSError as e:
            raise InvalidArgumentError(f"cannot read upload file: {e}") from None
    elif isinstance(item, tuple) and len(item) in (2, 3):
        f = UploadFile(item[0], item[1], item[2] if len(item) == 3 else None)
    else:
        raise InvalidArgumentError(
            "each upload file must be a path, an UploadFile or a (name, data[, content_type]) tuple")
    _check_header_value("upload file name", f.name)
    if not isinstance(f.data, (bytes, bytearray, memoryview)):
        raise InvalidArgumentError("upload file data must be bytes")
    if f.content_type is not None:
        _check_header_value("upload content_type", f.content_type)
    return f


def _check_header_value(name: str, value: object) -> str:
    """Text that ends up in a multipart header: no line breaks (no header injection)."""
    text = _check_text(name, value)
    if "\r" in text or "\n" in text:
        raise InvalidArgumentError(f"{name} must not contain line breaks")
    return text


def _token(raw: Tuple[str, Optional[str], int]) -> Token:
    return Token(raw[0], raw[1], raw[2])


class Conversation:
    """A Direct Line conversation. Get one from Client.start_conversation,
    open_conversation or resume_conversation.

    A context manager: leaving the ``with`` block closes it (it does not end the
    conversation for the bot; call end() for that). Iterating yields received
    activities (dicts) until the conversation ends or is closed::

        with client.start_conversation(secret) as conversation:
            conversation.send_message("hi", user_id="user1")
            for activity in conversation:
                if not conversation.is_own(activity):
                    print(activity.get("text"))

    Methods may be called from several threads at once, but only one thread should
    receive (next_activity, iteration, stream_reply) at a time.
    """

    def __init__(self, native: _directline.Conversation) -> None:
        """Internal: wraps a native handle. Use the Client methods to get one."""
        self._native: Optional[_directline.Conversation] = native
        self._id = native.id
        self._user_id = native.user_id
        self._lock = threading.Lock()
        # Received while stream_reply waited, but not part of the reply: next_activity's first.
        self._set_aside: Deque[Activity] = collections.deque()
        self._close_lock = threading.Lock()
        self._own_ids: Set[str] = set()
        self._own_order: Deque[str] = collections.deque()
        # Snapshot taken by close(), so properties and export_state work afterwards.
        self._closed_snapshot: Dict[str, Any] = {}

    # -- state -------------------------------------------------------------------------
    def _live(self) -> _directline.Conversation:
        native = self._native
        if native is None:
            raise ConversationClosedError("the conversation is closed", code=-15)
        return native

    def _read(self, name: str) -> Any:
        native = self._native
        if native is None:
            return self._closed_snapshot.get(name)
        return getattr(native, name)

    @property
    def id(self) -> str:
        """The conversation id."""
        return self._id

    @property
    def token(self) -> Optional[str]:
        """The current token (changes after a refresh); None when using a secret only."""
        value: Optional[str] = self._read("token")
        return value

    @property
    def stream_url(self) -> Optional[str]:
        """The current WebSocket stream URL; None when there is none (1.1, polling)."""
        value: Optional[str] = self._read("stream_url")
        return value

    @property
    def expires_in(self) -> int:
        """Seconds the current token was issued for; 0 when unknown or a secret."""
        return int(self._read("expires_in") or 0)

    @property
    def is_new(self) -> bool:
        """True when start_conversation created it (HTTP 201), False if it already existed."""
        return bool(self._read("is_new"))

    @property
    def ended(self) -> bool:
        """True once an endOfConversation was sent or received."""
        return bool(self._read("is_ended"))

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._native is None

    @property
    def watermark(self) -> Optional[str]:
        """The last watermark seen by receiving; None before any."""
        value: Optional[str] = self._read("watermark")
        return value

    @property
    def user_id(self) -> Optional[str]:
        """The user id given to start_conversation (or generated: ``"dl_..."``) when it was
        started with start options; None otherwise. The default sender of send_message."""
        return self._user_id

    def _sender(self, user_id: Optional[str]) -> str:
        if user_id is None:
            user_id = self._user_id or DEFAULT_USER_ID
        return _check_text("user_id", user_id)

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("ended" if self.ended else "open")
        return f"<directline.Conversation id={self._id!r} {state}>"

    # -- own activities --------------------------------------------------------------------
    def _remember_own(self, activity_id: Optional[str]) -> None:
        if not activity_id:
            return
        with self._lock:
            if activity_id in self._own_ids:
                return
            self._own_ids.add(activity_id)
            self._own_order.append(activity_id)
            if len(self._own_order) > _OWN_IDS_KEPT:
                self._own_ids.discard(self._own_order.popleft())

    def is_own(self, activity: Mapping[str, Any]) -> bool:
        """True if ``activity`` is one this conversation object posted (echoed back).

        Activity dicts stay exactly as on the wire, so ownership is kept here:
        ids returned by post_activity/send_message/upload/end and activities the
        library flagged as own on receipt (the last 4096 are remembered).
        """
        if isinstance(activity, Activity) and activity.is_own:
            return True
        activity_id = activity.get("id") if isinstance(activity, Mapping) else None
        with self._lock:
            return isinstance(activity_id, str) and activity_id in self._own_ids

    # -- sending ---------------------------------------------------------------------------
    def post_activity(self, activity: Mapping[str, Any]) -> Optional[str]:
        """Posts one activity (a dict with at least ``type`` and ``from.id``).

        Returns the id the service assigned (None with 1.1, which assigns none).
        Never retried once the request may have reached the service.
        """
        activity_id = self._live().post_activity(_dump_json("activity", activity))
        self._remember_own(activity_id)
        return activity_id

    def send_message(self, text: str, user_id: Optional[str] = None) -> Optional[str]:
        """Posts a plain text message from ``user_id``; returns its id (None with 1.1).

        ``user_id`` None: the conversation's user_id, else DEFAULT_USER_ID. With the
        client option ``stream_replies`` the message asks for a streamed reply.
        """
        activity_id = self._live().send_message(self._sender(user_id),
                                                _check_text("text", text, allow_empty=True))
        self._remember_own(activity_id)
        return activity_id

    def upload(self, files: Iterable[UploadSource], user_id: Optional[str] = None,
               activity: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """Uploads files as one message from ``user_id`` (None: as in send_message).

        ``files``: paths, UploadFile objects or (name, data[, content_type]) tuples.
        ``activity``: optional activity dict (e.g. with ``text``) the files are attached to.
        Returns the message id (None with 1.1).
        """
        if isinstance(files, (str, bytes, os.PathLike, UploadFile)):
            raise InvalidArgumentError("files must be a list of files")
        parts = [_upload_file(f) for f in files]
        if not parts:
            raise InvalidArgumentError("upload needs at least one file")
        native_files = [(f.name, f.content_type or "", bytes(f.data)) for f in parts]
        activity_json = None if activity is None else _dump_json("activity", activity)
        activity_id = self._live().upload(self._sender(user_id), native_files, activity_json)
        self._remember_own(activity_id)
        return activity_id

    def end(self, user_id: Optional[str] = None) -> Optional[str]:
        """Ends the conversation (posts endOfConversation) and stops receiving; returns its id."""
        activity_id = self._live().end(self._sender(user_id))
        self._remember_own(activity_id)
        return activity_id

    # -- receiving -------------------------------------------------------------------------
    def get_activities(self, watermark: Optional[str] = None) -> Dict[str, Any]:
        """One poll (GET activities after ``watermark``; None: everything retained).

        Returns the service's set as a dict: 3.0 ``{"activities": [...], "watermark": ...}``,
        1.1 ``{"messages": [...], "watermark": ...}``. Does not affect next_activity().
        """
        text = self._live().get_activities(_optional_text("watermark", watermark))
        return _parse_object(text, "an activity set")

    def reconnect(self, watermark: Optional[str] = None) -> None:
        """Fetches a fresh stream URL (3.0). ``watermark`` None: only new activities are streamed."""
        self._live().reconnect(_optional_text("watermark", watermark))

    def refresh_token(self) -> None:
        """Refreshes the conversation's token now (InvalidArgumentError with a secret)."""
        self._live().refresh_token()

    def set_token(self, token: str) -> None:
        """Hands in a token refreshed elsewhere; used for every later call."""
        self._live().set_token(_check_text("token", token))

    def next_activity(self, timeout: Optional[float] = None) -> Optional[Activity]:
        """Waits for the next activity and returns it (an Activity, a dict).

        Activities come exactly once and in order (WebSocket stream or polling);
        those stream_reply set aside come first. ``timeout``: seconds to wait (0: do
        not wait); None waits until one arrives. Returns None when nothing arrived in
        time, or when the conversation has ended or was closed (check ``ended`` /
        ``closed``). Raises DirectLineError subclasses for failures that stop
        receiving (e.g. TokenExpiredError).
        """
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                    or math.isnan(timeout) or timeout < 0:
                raise InvalidArgumentError("timeout must be None or a number of seconds >= 0")
            if math.isinf(timeout):
                timeout = None
        aside = self._pop_set_aside()
        if aside is not None:
            return aside
        return self._receive(timeout)

    def _pop_set_aside(self) -> Optional[Activity]:
        with self._lock:
            return self._set_aside.popleft() if self._set_aside else None

    def _keep_set_aside(self, activity: Activity) -> None:
        with self._lock:
            self._set_aside.append(activity)  # kept even past the limit: nothing is dropped
            if len(self._set_aside) > _SET_ASIDE_LIMIT:
                raise ProtocolError(
                    f"more than {_SET_ASIDE_LIMIT} activities that are not part of the reply "
                    "arrived while waiting for it; read them with next_activity()", code=-13)

    def _claim_set_aside(self, turn: _ReplyTurn) -> List[ReplyUpdate]:
        """Takes the reply's activities out of the set-aside ones (a previous turn's leftovers)."""
        updates: List[ReplyUpdate] = []
        with self._lock:
            kept: Deque[Activity] = collections.deque()
            for activity in self._set_aside:
                taken = None if turn.done else turn.take(activity)
                if taken is None:
                    kept.append(activity)
                elif isinstance(taken, ReplyUpdate):
                    updates.append(taken)
            self._set_aside = kept
        return updates

    def _receive(self, timeout: Optional[float]) -> Optional[Activity]:
        """next_activity without the set-aside activities (timeout already checked)."""
        if timeout is not None:
            deadline = time.monotonic() + timeout
        while True:
            native = self._native
            if native is None:
                return None
            if timeout is None:
                wait_ms = int(_WAIT_SLICE_S * 1000)
            else:
                left = deadline - time.monotonic()
                wait_ms = max(0, min(int(_WAIT_SLICE_S * 1000), math.ceil(left * 1000)))
            try:
                got = native.next_activity(wait_ms)
            except (ConversationEndedError, ConversationClosedError):
                return None
            finally:
                del native
            if got is not None:
                activity = Activity._received(got)
                if activity.is_own:
                    self._remember_own(activity.get("id"))
                return activity
            if timeout is not None and time.monotonic() >= deadline:
                return None

    def __iter__(self) -> Iterator[Activity]:
        """Yields activities until the conversation ends or is closed."""
        while True:
            activity = self.next_activity()
            if activity is None:
                return
            yield activity

    def stream_reply(self, sent_id: Optional[str], timeout: float = 60.0) -> Iterator[ReplyUpdate]:
        """Yields the reply to the activity ``sent_id`` as it grows, ending with the final message.

        For a streamed reply (an agent's LLM answer, asked for with the client option
        ``stream_replies``): one ReplyUpdate per chunk, whose ``text`` is the whole
        reply so far, then one with ``final`` True holding the final message. A reply
        that is not streamed gives just the final update. A polling conversation
        (receive_mode ``"polling"``, 1.1) never sees the chunks, which travel only
        over the live WebSocket stream: it gets the final update alone. A post that
        asks for a streamed reply opens the stream first (waiting for it up to the
        connect timeout), so no chunk is missed::

            sent = conversation.send_message("What is Direct Line?")
            for update in conversation.stream_reply(sent, timeout=30):
                print(update.text)

        The reply's activities belong to it by ``replyToId`` (or by a stream already
        seen). Anything else that arrives meanwhile is set aside, not lost:
        next_activity() and iteration return it afterwards, in order (at most 1000;
        past that ProtocolError). Chunks that arrive after a newer one of the same
        stream are dropped. Stopping the iteration early leaves the rest of the reply
        to next_activity().

        ``sent_id``: what send_message/post_activity returned (1.1 returns none: use
        next_activity there). ``timeout``: seconds to wait for each update (the first
        included); past it DirectLineTimeoutError (also the builtin TimeoutError).
        ConversationEndedError or ConversationClosedError when the conversation ends or is
        closed first.
        """
        turn = _ReplyTurn(_check_text("sent_id", sent_id))
        wait = _check_timeout(timeout)
        for update in self._claim_set_aside(turn):
            yield update
            if update.final:
                return
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DirectLineTimeoutError(f"no update of the reply within {wait:g} s",
                                             code=-11)
            activity = self._receive(left)
            if activity is None:
                self._check_receiving()
                continue
            taken = turn.take(activity)
            if taken is None:
                self._keep_set_aside(activity)
            elif isinstance(taken, ReplyUpdate):
                yield taken
                if taken.final:
                    return
                deadline = time.monotonic() + wait

    def _check_receiving(self) -> None:
        """Raises when receiving has stopped (next_activity returned None for that)."""
        if self.closed:
            raise ConversationClosedError("the conversation was closed before the reply ended",
                                          code=-15)
        if self.ended:
            raise ConversationEndedError("the conversation ended before the reply did", code=-14)

    # -- lifetime --------------------------------------------------------------------------
    def export_state(self) -> str:
        """JSON text with what resume_conversation needs (id, token, watermark, endpoint...).

        It holds the token: store it like a credential. A secret is never exported.
        """
        native = self._native
        if native is None:
            state = self._closed_snapshot.get("state")
            if state is None:
                raise ConversationClosedError("the conversation is closed", code=-15)
            return str(state)
        return native.export_state()

    def close(self) -> None:
        """Stops receiving and releases the native handle. Idempotent.

        Threads waiting in next_activity() return None. Properties stay readable.
        """
        with self._close_lock:
            native = self._native
            if native is None:
                return
            # Snapshot first, so readers never see a half-closed object.
            snapshot: Dict[str, Any] = {}
            for name in ("token", "stream_url", "expires_in", "is_new", "is_ended", "watermark"):
                snapshot[name] = getattr(native, name)
            try:
                snapshot["state"] = native.export_state()
            except Exception:  # noqa: BLE001 - a state that cannot be exported is simply absent
                pass
            self._closed_snapshot = snapshot
            self._native = None
        native.close()
        # The handle is freed when the last thread still inside a call lets go of it.
        del native

    def __enter__(self) -> "Conversation":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()


class Client:
    """A Direct Line client: endpoint, API version and transport settings.

    Args:
        endpoint: the Direct Line base URL, as DirectLineJS's ``domain``, or a region name
            (``"global"``, ``"europe"``, ``"india"``, ``"usgov"``, ``"china"``: that region's
            official host); None: ``"global"``
            (``https://directline.botframework.com/v3/directline`` for 3.0, ``.../api`` for 1.1).
            A Copilot Studio agent's own endpoint comes from fetch_regional_endpoint().
        api_version: ``"3.0"`` (default) or ``"1.1"``.
        timeout: per-request timeout in seconds.
        connect_timeout: connect timeout in seconds.
        proxy: ``"http://host:port"`` or None.
        ca_file: PEM bundle to trust instead of the system store.
        allow_insecure_http: permit plain http/ws to non-loopback hosts.
        user_agent: appended to the library's User-Agent.
        receive_mode: ``"auto"`` (WebSocket stream when available) or ``"polling"``.
        polling_interval: seconds between polls when polling.
        retry_attempts: tries for retryable calls (GETs, token calls); None: library default.
        retry_deadline: total seconds one retried call may take; None: library default (60).
        auto_refresh: conversations refresh their token before it expires.
        insecure_skip_tls_verify: do not verify TLS certificates (for tests only).
        stream_replies: posted messages ask for a streamed reply (``"deliveryMode": "stream"``,
            unless the activity sets its own); see Conversation.stream_reply.
        max_response_bytes: largest response body accepted (None: 8 MiB); past it ProtocolError.
        reconnect_base_delay: seconds, first ceiling of the stream reconnect backoff (full
            jitter; None: 1).
        reconnect_max_delay: seconds, largest ceiling of that backoff (None: 15).
        receive_queue_limit: activities received but not yet taken by next_activity before
            a conversation stops reading (None: 1000).

    Thread-safe: share one Client between threads. A context manager (closes on exit);
    conversations created from it stay usable after it is closed.
    """

    def __init__(self, endpoint: Optional[str] = None, api_version: str = "3.0", *,
                 timeout: float = 30.0, connect_timeout: float = 10.0,
                 proxy: Optional[str] = None, ca_file: Optional[str] = None,
                 allow_insecure_http: bool = False, user_agent: Optional[str] = None,
                 receive_mode: str = "auto", polling_interval: float = 1.0,
                 retry_attempts: Optional[int] = None, retry_deadline: Optional[float] = None,
                 auto_refresh: bool = True,
                 insecure_skip_tls_verify: bool = False, stream_replies: bool = False,
                 max_response_bytes: Optional[int] = None,
                 reconnect_base_delay: Optional[float] = None,
                 reconnect_max_delay: Optional[float] = None,
                 receive_queue_limit: Optional[int] = None) -> None:
        if api_version not in _API_VERSIONS:
            raise InvalidArgumentError(f"api_version must be '3.0' or '1.1', not {api_version!r}")
        if receive_mode not in _RECEIVE_MODES:
            raise InvalidArgumentError(
                f"receive_mode must be 'auto' or 'polling', not {receive_mode!r}")
        if retry_attempts is not None and (isinstance(retry_attempts, bool)
                                           or not isinstance(retry_attempts, int)
                                           or not 1 <= retry_attempts <= 100):
            raise InvalidArgumentError("retry_attempts must be an int from 1 to 100")
        if ca_file is not None and not os.path.isfile(_check_text("ca_file", ca_file)):
            raise InvalidArgumentError("ca_file does not name a readable file")
        self._api_version = api_version
        self._native: Optional[_directline.Client] = _directline.Client(
            endpoint=_optional_text("endpoint", endpoint),
            api_version=_API_VERSIONS[api_version],
            connect_timeout_ms=_to_ms("connect_timeout", connect_timeout),
            request_timeout_ms=_to_ms("timeout", timeout),
            retry_max_attempts=retry_attempts or 0,
            retry_deadline_ms=0 if retry_deadline is None else _to_ms("retry_deadline",
                                                                      retry_deadline),
            user_agent=_optional_text("user_agent", user_agent),
            proxy=_optional_text("proxy", proxy),
            ca_file=ca_file,
            allow_insecure_http=bool(allow_insecure_http),
            insecure_skip_tls_verify=bool(insecure_skip_tls_verify),
            receive_mode=_RECEIVE_MODES[receive_mode],
            polling_interval_ms=_to_ms("polling_interval", polling_interval),
            disable_auto_refresh=not auto_refresh,
            stream_replies=bool(stream_replies),
            max_response_bytes=_optional_count("max_response_bytes", max_response_bytes),
            reconnect_base_delay_ms=0 if reconnect_base_delay is None else _to_ms(
                "reconnect_base_delay", reconnect_base_delay),
            reconnect_max_delay_ms=0 if reconnect_max_delay is None else _to_ms(
                "reconnect_max_delay", reconnect_max_delay),
            receive_queue_limit=_optional_count("receive_queue_limit", receive_queue_limit),
        )
        self._endpoint = self._native.endpoint

    def _live(self) -> _directline.Client:
        native = self._native
        if native is None:
            raise InvalidArgumentError("the client is closed")
        return native

    @property
    def endpoint(self) -> str:
        """The effective endpoint (the public service's when none was given)."""
        return self._endpoint

    @property
    def api_version(self) -> str:
        """``"3.0"`` or ``"1.1"``."""
        return self._api_version

    def generate_token(self, secret: str, user_id: Optional[str] = None,
                       user_name: Optional[str] = None,
                       trusted_origins: Optional[Iterable[str]] = None) -> Token:
        """Exchanges a secret for a token bound to one new (not yet started) conversation.

        ``user_id``/``user_name`` are bound into the token (3.0; the service then forces
        ``from.id``); ``trusted_origins`` is stored with it. Retried on network errors,
        5xx and 429.
        """
        if isinstance(trusted_origins, str):
            raise InvalidArgumentError("trusted_origins must be a list of origins, not a str")
        origins: List[str] = [_check_text("trusted origin", o) for o in (trusted_origins or ())]
        return _token(self._live().generate_token(
            _check_text("secret", secret), _optional_text("user_id", user_id),
            _optional_text("user_name", user_name), origins))

    def refresh_token(self, token: Union[str, Token],
                      conversation_id: Optional[str] = None) -> Token:
        """Refreshes (3.0) or renews (1.1: ``conversation_id`` required) an unexpired token."""
        if isinstance(token, Token):
            conversation_id = conversation_id or token.conversation_id
            token = token.token
        return _token(self._live().refresh_token(_check_text("token", token),
                                                 _optional_text("conversation_id",
                                                                conversation_id)))

    def fetch_token(self, token_endpoint_url: str) -> Token:
        """GETs a token endpoint, such as a Copilot Studio agent's, without credentials.

        e.g. ``https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/
        <schema>/directline/token?api-version=2022-03-01-preview``. The token is bound to a
        new conversation: start it with start_conversation. The URL must be https (plain
        http only to loopback or with ``allow_insecure_http``). An error answer raises the
        DirectLineError subclass for its HTTP status, with the service's error code in
        ``service_code``.
        """
        return _token(self._live().fetch_token(_check_text("token_endpoint_url",
                                                           token_endpoint_url)))

    def fetch_regional_endpoint(self, token_endpoint_url: str) -> str:
        """The Direct Line endpoint (``.../v3/directline``) of the agent behind a token endpoint.

        Read from the agent's regional channel settings (same host and api-version).
        Agents are regional: start their conversations on a client for this endpoint.
        ProtocolError when the answer has no usable URL; callers may then use
        ``"global"``.
        """
        return self._live().fetch_regional_endpoint(_check_text("token_endpoint_url",
                                                                token_endpoint_url))

    def start_conversation(self, credential: Union[str, Token], *, user_id: Optional[str] = None,
                           user_name: Optional[str] = None, locale: Optional[str] = None,
                           local_timezone: Optional[str] = None,
                           send_start_event: bool = False) -> Conversation:
        """Starts a conversation with a secret (always a new one) or a token.

        With a token from generate_token or fetch_token the token's conversation
        starts (``is_new`` True); starting it again returns it with ``is_new`` False.

        Start options (any of them given): ``user_id`` (None: a generated ``"dl_..."``
        id, see Conversation.user_id), ``user_name``, ``locale`` (e.g. ``"fr-FR"``),
        ``local_timezone`` (IANA name, e.g. ``"Europe/Paris"``). ``send_start_event``
        posts the ``startConversation`` event Web Chat sends, so that a Copilot Studio
        agent greets: the greeting arrives through next_activity like any reply. If the
        event cannot be posted, the conversation is closed and the error raised.
        """
        if isinstance(credential, Token):
            credential = credential.token
        secret_or_token = _check_text("credential", credential)
        options = (user_id, user_name, locale, local_timezone)
        if all(o is None for o in options) and not send_start_event:
            return Conversation(self._live().start_conversation(secret_or_token))
        return Conversation(self._live().start_conversation_with(
            secret_or_token, _optional_text("user_id", user_id),
            _optional_text("user_name", user_name), _optional_text("locale", locale),
            _optional_text("local_timezone", local_timezone), bool(send_start_event)))

    def open_conversation(self, credential: Union[str, Token], conversation_id: str,
                          watermark: Optional[str] = None) -> Conversation:
        """Opens an existing conversation without starting it (no request is made).

        Receiving reconnects and delivers what came after ``watermark``.
        """
        if isinstance(credential, Token):
            credential = credential.token
        return Conversation(self._live().open_conversation(
            _check_text("credential", credential), _check_text("conversation_id", conversation_id),
            _optional_text("watermark", watermark)))

    def resume_conversation(self, state: Union[str, Mapping[str, Any]]) -> Conversation:
        """Reopens a conversation from Conversation.export_state() (str or parsed dict).

        Receiving resumes after the exported watermark, so exactly what was missed comes next.
        """
        text = _dump_json("state", state) if not isinstance(state, str) else _check_text(
            "state", state)
        return Conversation(self._live().resume_conversation(text))

    def close(self) -> None:
        """Releases the client. Idempotent; its conversations stay usable."""
        self._native = None

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._native is None

    def __repr__(self) -> str:
        return (f"<directline.Client endpoint={self._endpoint!r} api_version={self._api_version!r}"
                f"{' closed' if self.closed else ''}>")

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()
