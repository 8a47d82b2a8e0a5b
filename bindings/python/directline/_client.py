"""The blocking API: Client, Conversation, Token, UploadFile.

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
from ._errors import (ConversationClosedError, ConversationEndedError, InvalidArgumentError,
                      ProtocolError)

__all__ = ["Client", "Conversation", "Token", "UploadFile", "Activity", "UploadSource",
           "DEFAULT_USER_ID"]

#: An activity as it travels on the wire: a JSON object decoded to a dict.
Activity = Dict[str, Any]

#: from.id used by send_message/upload/end when no user_id is given.
DEFAULT_USER_ID = "user"

_API_VERSIONS = {"3.0": 0, "1.1": 1}
_RECEIVE_MODES = {"auto": 0, "polling": 1}
# next_activity(timeout=None) waits in slices so Ctrl-C (signals) is noticed.
_WAIT_SLICE_S = 1.0
# How many own activity ids a conversation remembers for is_own().
_OWN_IDS_KEPT = 4096


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


@dataclass(frozen=True, repr=False)
class Token:
    """A Direct Line token (from generate_token or refresh_token).

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

    Methods may be called from several threads at once.
    """

    def __init__(self, native: _directline.Conversation) -> None:
        """Internal: wraps a native handle. Use the Client methods to get one."""
        self._native: Optional[_directline.Conversation] = native
        self._id = native.id
        self._lock = threading.Lock()
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

    def send_message(self, text: str, user_id: str = DEFAULT_USER_ID) -> Optional[str]:
        """Posts a plain text message from ``user_id``; returns its id (None with 1.1)."""
        activity_id = self._live().send_message(_check_text("user_id", user_id),
                                                _check_text("text", text, allow_empty=True))
        self._remember_own(activity_id)
        return activity_id

    def upload(self, files: Iterable[UploadSource], user_id: str = DEFAULT_USER_ID,
               activity: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """Uploads files as one message from ``user_id``.

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
        activity_id = self._live().upload(_check_text("user_id", user_id), native_files,
                                          activity_json)
        self._remember_own(activity_id)
        return activity_id

    def end(self, user_id: str = DEFAULT_USER_ID) -> Optional[str]:
        """Ends the conversation (posts endOfConversation) and stops receiving; returns its id."""
        activity_id = self._live().end(_check_text("user_id", user_id))
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
        """Waits for the next activity and returns it as a dict.

        Activities come exactly once and in order (WebSocket stream or polling).
        ``timeout``: seconds to wait (0: do not wait); None waits until one arrives.
        Returns None when nothing arrived in time, or when the conversation has
        ended or was closed (check ``ended`` / ``closed``). Raises DirectLineError
        subclasses for failures that stop receiving (e.g. TokenExpiredError).
        """
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                    or math.isnan(timeout) or timeout < 0:
                raise InvalidArgumentError("timeout must be None or a number of seconds >= 0")
            if math.isinf(timeout):
                timeout = None
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
                text, own = got
                activity = _parse_object(text, "an activity")
                if own:
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
        endpoint: the Direct Line base URL, as DirectLineJS's ``domain``; None: the public
            service (``https://directline.botframework.com/v3/directline`` for 3.0,
            ``.../api`` for 1.1).
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
                 insecure_skip_tls_verify: bool = False) -> None:
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

    def start_conversation(self, credential: Union[str, Token]) -> Conversation:
        """Starts a conversation with a secret (always a new one) or a token.

        With a token from generate_token the token's conversation starts
        (``is_new`` True); starting it again returns it with ``is_new`` False.
        """
        if isinstance(credential, Token):
            credential = credential.token
        return Conversation(self._live().start_conversation(_check_text("credential",
                                                                        credential)))

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
