"""directline.locust: load-test a bot over Direct Line with Locust.

Install with ``pip install "directline[locust]"``. A locustfile subclasses
:class:`DirectLineUser` and gives it a scenario::

    from directline.locust import DirectLineUser

    class EchoUser(DirectLineUser):
        scenario = [
            {"text": "hello", "expect": "^echo: "},
            {"text": "how are you?", "expect": "^echo: ", "think_time": 2},
        ]

and ``DIRECTLINE_ENDPOINT=... DIRECTLINE_SECRET=... locust -f locustfile.py``
runs it, alone or distributed (``--master`` / ``--worker``, ``--processes``).

Each simulated user runs one conversation at a time: token, start, optional
greeting, then the utterances in order. Every step is one entry in Locust's
statistics, with fixed names: ``token``, ``start``, ``send``, ``first reply``
(send -> the first bot activity of the turn), ``reply`` (send -> the bot's final
message of the turn, streamed replies assembled), plus ``greeting`` and
``regional endpoint`` when used. A turn ends by the protocol: the bot's message
whose ``replyToId`` is the id of the user's message, or the final chunk of a
streamed reply; if neither comes within ``reply_timeout`` the turn fails.

The native calls release the GIL but would still stop the gevent loop that runs
every Locust user of the process, so requests (token, start, send, close) run
in a small per-process thread pool and replies are taken from the library's
receive queue without blocking (it is filled by the library's own receive
threads): a user waiting for a reply holds no thread at all.
"""
from __future__ import annotations

import csv
import itertools
import json
import logging
import os
import random
import re
import time
import uuid
from dataclasses import dataclass
from typing import (Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar,
                    Union)

import gevent  # type: ignore[import-untyped, unused-ignore]
import gevent.threadpool  # type: ignore[import-untyped, unused-ignore]
from locust import User, task
from locust.exception import StopTest

from ._client import Activity, Client, Conversation, Token
from ._errors import DirectLineError

__all__ = ["DirectLineUser", "Scenario", "Turn", "StepFailure", "ScenarioSource", "STEP_NAMES",
           "REQUEST_TYPE"]

log = logging.getLogger(__name__)

#: The names of the statistics entries (outside checks read them; never rename).
STEP_NAMES = ("token", "start", "send", "first reply", "reply")
#: Locust's "Type" column for every entry.
REQUEST_TYPE = "directline"

_T = TypeVar("_T")

# Replies are taken from the receive queue by polling it without waiting; the
# pause between looks grows with the time already waited, so the reported reply
# times are late by at most this fraction of them (within the bounds below).
_POLL_FRACTION = 0.02
_POLL_MIN_S = 0.001
_POLL_MAX_S = 0.05
# How long the end of a conversation may take to close its receiver.
_CLOSE_WAIT_S = 10.0
# Reply text kept in a mismatch failure (Locust groups failures by their text).
_MISMATCH_TEXT_CHARS = 60

class StepFailure(Exception):
    """What a failed step reports to Locust: ``"<dl_result name>: <message>"``.

    ``repr()`` is the plain text, so Locust's failure table shows it as is. Messages
    come from the library (which never puts secrets or tokens in them) or from
    this module (timeouts, mismatches).
    """

    def __repr__(self) -> str:
        return str(self)

    @classmethod
    def from_exception(cls, error: BaseException) -> "StepFailure":
        """The failure for an exception raised by a step."""
        if isinstance(error, DirectLineError):
            return cls(f"{error.result_name}: {error}")
        return cls(f"{type(error).__name__}: {error}")


# -- scenarios ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Turn:
    """One utterance of a scenario.

    Attributes:
        text: what the user sends.
        expect: a regular expression searched (``re.search``) in the reply's text;
            None: any reply passes.
        think_time: seconds the user pauses before sending this utterance (reading
            the previous reply, typing); None: the user's ``think_time``.
    """

    text: str
    expect: Optional[str] = None
    think_time: Optional[float] = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text:
            raise ValueError("a turn needs a non-empty text")
        if self.expect is not None:
            if not isinstance(self.expect, str):
                raise ValueError("expect must be a regular expression (a str)")
            try:
                re.compile(self.expect)
            except re.error as e:
                raise ValueError(f"expect {self.expect!r} is not a regular expression: {e}") \
                    from None
        if self.think_time is not None:
            _check_seconds("think_time", self.think_time)

    def matches(self, reply_text: str) -> bool:
        """True when there is no expectation or ``reply_text`` matches it."""
        return self.expect is None or re.search(self.expect, reply_text) is not None


#: What DirectLineUser.scenario accepts: a Scenario, a file path (.csv, .json,
#: .yaml/.yml), or a list of utterances (str, Turn, or dicts with Turn's fields).
ScenarioSource = Union["Scenario", str, "os.PathLike[str]",
                       Sequence[Union[str, Turn, Mapping[str, Any]]]]


@dataclass(frozen=True)
class Scenario:
    """The utterances of one conversation, in order.

    Attributes:
        turns: the utterances.
        greeting: send the ``startConversation`` event and wait for the greeting first;
            None: the user's ``greeting`` setting.
    """

    turns: Tuple[Turn, ...]
    greeting: Optional[bool] = None

    @classmethod
    def load(cls, source: ScenarioSource) -> "Scenario":
        """A scenario from a Scenario, a file path or a list of utterances.

        Files: ``.json`` and ``.yaml``/``.yml`` hold a list of utterances or an object
        ``{"greeting": bool, "turns": [...]}``; an utterance is a string or an object
        with ``text`` and optional ``expect`` and ``think_time``. ``.csv`` has one
        utterance a row, columns ``text,expect,think_time`` (a header row naming them
        is optional; empty cells mean none).
        """
        if isinstance(source, Scenario):
            return source
        if isinstance(source, (str, os.PathLike)):
            return cls._from_file(os.fspath(source))
        return cls._from_data(list(source), "scenario")

    @classmethod
    def _from_file(cls, path: str) -> "Scenario":
        lower = path.lower()
        try:
            with open(path, encoding="utf-8", newline="") as f:
                if lower.endswith(".csv"):
                    return cls._from_csv(list(csv.reader(f)), path)
                if lower.endswith(".json"):
                    return cls._from_data(json.load(f), path)
                if lower.endswith((".yaml", ".yml")):
                    try:
                        import yaml  # type: ignore[import-untyped, unused-ignore]
                    except ImportError:
                        raise ValueError(f"{path}: YAML scenarios need PyYAML "
                                         "(pip install \"directline[locust]\")") from None
                    return cls._from_data(yaml.safe_load(f), path)
        except OSError as e:
            raise ValueError(f"cannot read scenario {path}: {e.strerror}") from None
        except (json.JSONDecodeError, csv.Error) as e:
            raise ValueError(f"{path}: {e}") from None
        raise ValueError(f"{path}: a scenario file ends in .csv, .json, .yaml or .yml")

    @classmethod
    def _from_csv(cls, rows: List[List[str]], where: str) -> "Scenario":
        columns = ["text", "expect", "think_time"]
        if rows and rows[0] and rows[0][0].strip().lower() == "text":
            columns = [c.strip().lower() for c in rows[0]]
            rows = rows[1:]
        items: List[Dict[str, Any]] = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            item: Dict[str, Any] = {}
            for name, cell in zip(columns, row):
                if cell.strip():
                    item[name] = cell
            items.append(item)
        return cls._from_data(items, where)

    @classmethod
    def _from_data(cls, data: Any, where: str) -> "Scenario":
        greeting: Optional[bool] = None
        if isinstance(data, Mapping):
            unknown = set(data) - {"turns", "greeting"}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            if "greeting" in data:
                if not isinstance(data["greeting"], bool):
                    raise ValueError(f"{where}: greeting must be true or false")
                greeting = data["greeting"]
            data = data.get("turns")
        if not isinstance(data, list) or not data:
            raise ValueError(f"{where}: a scenario needs a non-empty list of utterances")
        turns = tuple(_turn(item, f"{where}: utterance {n}") for n, item in enumerate(data, 1))
        return cls(turns, greeting)


def _turn(item: Any, where: str) -> Turn:
    if isinstance(item, Turn):
        return item
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: an utterance is a string or an object with a text")
    unknown = set(item) - {"text", "expect", "think_time"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    think = item.get("think_time")
    try:
        if isinstance(think, str):
            think = float(think)
        return Turn(item.get("text", ""), item.get("expect"), think)
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None


def _check_seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{name} must be a number of seconds >= 0")
    return float(value)


# -- activities --------------------------------------------------------------------------

class _TurnReceiver:
    """Follows the activities of one turn until the protocol says it is over.

    Counts for the turn: bot activities that reply to the user's message, or that
    reply to nothing (typing, stream chunks of some bots). Replies to earlier
    messages (late parts of an earlier turn) are skipped. The turn ends with the
    bot's message replying to the user's message, or with a final stream chunk.
    A greeting ends with the bot's first message, whatever it replies to.
    """

    def __init__(self, user_id: str, greeting: bool) -> None:
        self.user_id = user_id
        self.greeting = greeting
        self.sent_id: Optional[str] = None
        self.first_at: Optional[float] = None
        self.done_at: Optional[float] = None
        self.text = ""       # the final text, or the stream assembled so far
        self._early: List[Tuple[float, Activity]] = []

    def _from_user(self, activity: Activity) -> bool:
        sender = activity.get("from")
        if isinstance(sender, Mapping) and (sender.get("id") == self.user_id
                                            or sender.get("role") == "user"):
            return True
        return activity.is_own

    def offer(self, at: float, activity: Activity) -> None:
        """An activity received at ``at`` (perf_counter seconds)."""
        if self.done_at is not None or self._from_user(activity):
            return
        if self.sent_id is None:  # before the POST answered: decide once the id is known
            self._early.append((at, activity))
            return
        reply_to = activity.reply_to_id
        # Without an id to match (a greeting, or 1.1, which assigns none) the bot's
        # first message answers.
        answers = reply_to == self.sent_id or (reply_to is None and not self.sent_id) \
            or self.greeting
        if reply_to is not None and not answers:
            return
        if self.first_at is None:
            self.first_at = at
        kind = activity.stream_type
        text = activity.get("text")
        if kind in ("informative", "streaming"):
            if kind == "streaming" and isinstance(text, str):
                self.text = text  # chunks carry the text so far
            return
        if kind == "final" or (activity.get("type") == "message" and answers):
            if isinstance(text, str) and text:
                self.text = text
            self.done_at = at

    def sent(self, activity_id: Optional[str]) -> None:
        """The POST answered with the message's id; settles what came before."""
        self.sent_id = activity_id or ""
        early, self._early = self._early, []
        for at, activity in early:
            self.offer(at, activity)


@dataclass
class _Outcome:
    """How an exchange (send, then the bot's answer) went."""

    started: float                      # when the send started (perf_counter seconds)
    receiver: _TurnReceiver
    sent: bool = True                   # False: the send failed (and was reported)
    failure: Optional["StepFailure"] = None
    fatal: bool = False                 # the conversation cannot go on


# -- the gevent side ---------------------------------------------------------------------

_pool: Optional[Any] = None
_pool_pid = 0


def _blocking_pool(size: int) -> Any:
    """This process's pool for the library's blocking calls (made after a fork:
    threads do not survive one, and ``locust --processes`` forks)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool = gevent.threadpool.ThreadPool(max(1, size))
        _pool_pid = os.getpid()
    return _pool


@dataclass
class _Timed:
    started: float
    ended: float
    result: Any = None
    error: Optional[BaseException] = None

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000.0


def _timed_call(fn: Callable[..., Any], args: Tuple[Any, ...]) -> _Timed:
    """Runs in a pool thread: the time is the call's own, not the pool's queue."""
    started = time.perf_counter()
    try:
        result = fn(*args)
    except Exception as e:  # noqa: BLE001 - handed back to the user's greenlet
        return _Timed(started, time.perf_counter(), error=e)
    return _Timed(started, time.perf_counter(), result)


def _poll_interval(waited: float) -> float:
    return min(_POLL_MAX_S, max(_POLL_MIN_S, waited * _POLL_FRACTION))


class _Abort(Exception):
    """Ends the current conversation (a step failed and was reported)."""


# -- the user ----------------------------------------------------------------------------

def _env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value if value else None


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1/0, true/false, yes/no or on/off")


def _env_float(name: str, default: float) -> float:
    value = _env(name)
    if value is None:
        return default
    try:
        return _check_seconds(name, float(value))
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds >= 0") from None


ThinkTime = Union[float, Tuple[float, float]]


def _parse_think_time(value: object, where: str) -> ThinkTime:
    """A number of seconds, or (min, max) for a uniform draw ("1.5" or "1-3" in the environment)."""
    if isinstance(value, str):
        low, sep, high = value.partition("-")
        try:
            value = (float(low), float(high)) if sep else float(low)
        except ValueError:
            raise ValueError(f"{where} must be seconds (\"1.5\") or a range (\"1-3\")") from None
    if isinstance(value, tuple) and len(value) == 2:
        low_s, high_s = (_check_seconds(where, v) for v in value)
        if low_s > high_s:
            raise ValueError(f"{where}: the range must be (min, max)")
        return (low_s, high_s)
    return _check_seconds(where, value)


class DirectLineUser(User):
    """A Locust user that talks to a bot over Direct Line through the native library.

    Configure by class attributes; environment variables, when set, override them.

    ========================  ==============================  =======================================
    attribute                 environment                     meaning
    ========================  ==============================  =======================================
    ``host``                  ``DIRECTLINE_ENDPOINT``         Direct Line endpoint (``.../v3/directline``)
                                                              or a region name the library accepts;
                                                              ``locust --host`` sets ``host``; none:
                                                              the public global service
    ``secret``                ``DIRECTLINE_SECRET``           Direct Line secret (never reported)
    ``token_endpoint``        ``DIRECTLINE_TOKEN_ENDPOINT``   Copilot Studio token endpoint URL (wins
                                                              over a secret); its regional endpoint
                                                              is used when no endpoint is set
    ``use_token``             ``DIRECTLINE_USE_TOKEN``        with a secret: exchange it for a token
                                                              first (the ``token`` step); default on
    ``scenario``              ``DIRECTLINE_SCENARIO`` (file)  the utterances, see :class:`Scenario`
    ``greeting``              ``DIRECTLINE_GREETING``         send ``startConversation`` and wait for
                                                              the greeting (the ``greeting`` step)
    ``stream_replies``        ``DIRECTLINE_STREAM``           ask for streamed replies
                                                              (``deliveryMode: stream``)
    ``user_id_pattern``       ``DIRECTLINE_USER_ID_PATTERN``  ``from.id`` of each conversation; fields
                                                              ``{uuid}`` ``{user}`` ``{conversation}``
                                                              ``{worker}``
    ``locale``                ``DIRECTLINE_LOCALE``           ``locale`` of the user's activities
    ``think_time``            ``DIRECTLINE_THINK_TIME``       pause before each utterance: seconds or
                                                              (min, max); env ``1.5`` or ``1-3``
    ``reply_timeout``         ``DIRECTLINE_REPLY_TIMEOUT``    seconds from send to the end of the turn
    ``blocking_threads``      ``DIRECTLINE_LOCUST_THREADS``   threads per process for the library's
                                                              blocking requests
    ``client_options``        (none)                          more ``directline.Client`` arguments
    ========================  ==============================  =======================================

    A task runs the scenario once (one conversation); Locust's ``wait_time`` is the
    pause between conversations. A failed request ends that conversation; a reply
    timeout or mismatch is reported and the conversation goes on.
    """

    abstract = True

    secret: Optional[str] = None
    token_endpoint: Optional[str] = None
    use_token: bool = True
    scenario: ScenarioSource = ()
    greeting: bool = False
    stream_replies: bool = False
    user_id_pattern: str = "dl_locust_{uuid}"
    locale: Optional[str] = None
    think_time: ThinkTime = 1.0
    reply_timeout: float = 30.0
    blocking_threads: int = 64
    #: Extra keyword arguments for directline.Client (over ``retry_attempts=1``: a load
    #: test should see each failure rather than a retried success).
    client_options: Mapping[str, Any] = {}

    _user_numbers = itertools.count(1)

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        try:
            self._configure()
        except ValueError as e:
            # As Locust's own users do with a missing host: stop the test, say why.
            raise StopTest(f"{type(self).__name__}: {e}") from None
        self._number = next(DirectLineUser._user_numbers)
        self._conversations = itertools.count(1)
        self._client: Optional[Client] = None
        self._pool = _blocking_pool(self.blocking_threads)

    def _configure(self) -> None:
        """Reads the settings (environment over class attributes) and checks them."""
        self._endpoint_setting = _env("DIRECTLINE_ENDPOINT") or self.host or None
        self._secret = _env("DIRECTLINE_SECRET") or self.secret
        self._token_endpoint = _env("DIRECTLINE_TOKEN_ENDPOINT") or self.token_endpoint
        self._use_token = _env_bool("DIRECTLINE_USE_TOKEN", self.use_token)
        self._scenario = Scenario.load(_env("DIRECTLINE_SCENARIO") or self.scenario)
        greeting = _env_bool("DIRECTLINE_GREETING", self.greeting)
        self._greeting = greeting if self._scenario.greeting is None else self._scenario.greeting
        self._stream = _env_bool("DIRECTLINE_STREAM", self.stream_replies)
        self._user_id_pattern = _env("DIRECTLINE_USER_ID_PATTERN") or self.user_id_pattern
        self._locale = _env("DIRECTLINE_LOCALE") or self.locale
        self._think = _parse_think_time(_env("DIRECTLINE_THINK_TIME") or self.think_time,
                                        "think_time")
        self._reply_timeout = _env_float("DIRECTLINE_REPLY_TIMEOUT", self.reply_timeout)
        if self._reply_timeout <= 0:
            raise ValueError("reply_timeout must be > 0 seconds")
        threads = _env("DIRECTLINE_LOCUST_THREADS")
        if threads is not None:
            if not threads.isdigit() or int(threads) < 1:
                raise ValueError("DIRECTLINE_LOCUST_THREADS must be a whole number >= 1")
            self.blocking_threads = int(threads)
        if not self._secret and not self._token_endpoint:
            raise ValueError("DirectLineUser needs a secret (DIRECTLINE_SECRET) or a token "
                             "endpoint (DIRECTLINE_TOKEN_ENDPOINT)")
        try:
            self._user_id_pattern.format(uuid="u", user=1, conversation=1, worker=0)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"user_id_pattern {self._user_id_pattern!r}: unknown field {e}") \
                from None

    # -- Locust hooks ------------------------------------------------------------------------
    def on_start(self) -> None:
        """Creates this user's client (and finds the regional endpoint of a token endpoint)."""
        endpoint = self._endpoint_setting
        if endpoint is None and self._token_endpoint:
            endpoint = self._regional_endpoint()
        try:
            self._client = self._call(Client, endpoint, **self._client_kwargs())
        except (DirectLineError, TypeError) as e:  # a bad endpoint or client option
            raise StopTest(f"{type(self).__name__}: cannot make a client: "
                           f"{StepFailure.from_exception(e)}") from None

    def on_stop(self) -> None:
        """Releases the client."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    @task
    def conversation(self) -> None:
        """One conversation: token, start, greeting, then every utterance in order."""
        conversation: Optional[Conversation] = None
        user_id = self.new_user_id()
        try:
            conversation = self._start(user_id)
            for turn in self._scenario.turns:
                self._pause(turn)
                self._run_turn(conversation, user_id, turn)
        except _Abort:
            pass
        finally:
            if conversation is not None:
                self._close(conversation)

    # -- overridable -------------------------------------------------------------------------
    def new_user_id(self) -> str:
        """``from.id`` for the next conversation, from ``user_id_pattern``."""
        runner = getattr(self.environment, "runner", None)
        return self._user_id_pattern.format(uuid=uuid.uuid4().hex[:16], user=self._number,
                                            conversation=next(self._conversations),
                                            worker=getattr(runner, "worker_index", 0))

    def check_reply(self, turn: Turn, text: str) -> Optional[str]:
        """Why the reply to ``turn`` fails, or None when it passes (default: ``turn.expect``).

        Override to add checks; the text is reported, so keep it short.
        """
        if turn.matches(text):
            return None
        shown = text if len(text) <= _MISMATCH_TEXT_CHARS else text[:_MISMATCH_TEXT_CHARS] + "..."
        return f"mismatch: reply {shown!r} does not match {turn.expect!r}"

    # -- steps -------------------------------------------------------------------------------
    def _client_kwargs(self) -> Dict[str, Any]:
        return {"retry_attempts": 1, **self.client_options}

    def _report(self, name: str, ms: float, error: Optional[BaseException] = None,
                length: int = 0) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE, name=name, response_time=ms, response_length=length,
            exception=None if error is None else (
                error if isinstance(error, StepFailure) else StepFailure.from_exception(error)),
            context={})

    def _call(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """A blocking library call, made in the pool (the gevent loop goes on meanwhile)."""
        done: _Timed = self._pool.apply(_timed_call, (lambda: fn(*args, **kwargs), ()))
        if done.error is not None:
            raise done.error
        result: _T = done.result
        return result

    def _step(self, name: str, fn: Callable[..., _T], *args: Any) -> _T:
        """A blocking library call reported as the step ``name``; failures end the conversation."""
        done: _Timed = self._pool.apply(_timed_call, (fn, args))
        self._report(name, done.ms, done.error)
        if done.error is not None:
            raise _Abort()
        result: _T = done.result
        return result

    def _regional_endpoint(self) -> Optional[str]:
        bootstrap = self._call(Client, None, **self._client_kwargs())
        try:
            endpoint = self._step("regional endpoint", bootstrap.fetch_regional_endpoint,
                                  self._token_endpoint)
            return endpoint
        except _Abort:
            return None  # as the official samples do: the global endpoint
        finally:
            bootstrap.close()

    def _start(self, user_id: str) -> Conversation:
        client = self._client
        if client is None:
            raise _Abort()
        credential: Union[str, Token]
        if self._token_endpoint:
            credential = self._step("token", client.fetch_token, self._token_endpoint)
        elif self._use_token:
            assert self._secret is not None
            credential = self._step("token", client.generate_token, self._secret, user_id)
        else:
            assert self._secret is not None
            credential = self._secret
        conversation = self._step("start", client.start_conversation, credential)
        if self._greeting:
            try:
                self._greet(conversation, user_id)
            except BaseException:
                self._close(conversation)
                raise
        return conversation

    def _activity(self, user_id: str, **fields: Any) -> Dict[str, Any]:
        activity: Dict[str, Any] = {"from": {"id": user_id, "role": "user"}}
        activity.update(fields)
        if self._locale:
            activity["locale"] = self._locale
        return activity

    def _greet(self, conversation: Conversation, user_id: str) -> None:
        """Posts startConversation; the greeting is the bot's first message after it."""
        event = self._activity(user_id, type="event", name="startConversation")
        out = self._exchange(conversation, user_id, event, greeting=True)
        end = out.receiver.done_at or time.perf_counter()
        self._report("greeting", (end - out.started) * 1000.0, out.failure,
                     length=len(out.receiver.text.encode()))
        if out.fatal:
            raise _Abort()

    def _run_turn(self, conversation: Conversation, user_id: str, turn: Turn) -> None:
        message = self._activity(user_id, type="message", text=turn.text)
        if self._stream:
            message["deliveryMode"] = "stream"
        out = self._exchange(conversation, user_id, message)
        if not out.sent:
            raise _Abort()
        receiver, failure = out.receiver, out.failure
        now = time.perf_counter()
        if receiver.first_at is None:
            self._report("first reply", (now - out.started) * 1000.0, failure)
        else:
            self._report("first reply", (receiver.first_at - out.started) * 1000.0)
        if failure is None:
            why = self.check_reply(turn, receiver.text)
            if why is not None:
                failure = StepFailure(why)
        self._report("reply", ((receiver.done_at or now) - out.started) * 1000.0, failure,
                     length=len(receiver.text.encode()))
        if out.fatal:
            raise _Abort()

    def _exchange(self, conversation: Conversation, user_id: str, activity: Dict[str, Any],
                  greeting: bool = False) -> _Outcome:
        """Posts ``activity`` and follows the bot's answer to the end of the turn.

        The send is reported as the ``send`` step (a greeting's is part of ``greeting``).
        """
        receiver = _TurnReceiver(user_id, greeting)
        job = self._pool.spawn(_timed_call, conversation.post_activity, (activity,))
        receive_error: Optional[DirectLineError] = None
        # Look at the receive queue while the POST is in flight: the bot may answer first.
        posted_at = time.perf_counter()
        while not job.ready():
            try:
                took = self._take(conversation, receiver)
            except DirectLineError as e:
                receive_error = e
                job.wait()
                break
            if not took:
                job.wait(_poll_interval(time.perf_counter() - posted_at))
        done: _Timed = job.get()
        out = _Outcome(done.started, receiver)
        if not greeting:
            self._report("send", done.ms, done.error,
                         length=len(str(activity.get("text", "")).encode()))
        if done.error is not None:
            out.sent, out.fatal = False, True
            out.failure = StepFailure.from_exception(done.error)
            return out
        receiver.sent(None if greeting else done.result)
        deadline = done.started + self._reply_timeout
        try:
            if receive_error is not None:
                raise receive_error
            while receiver.done_at is None:
                if self._take(conversation, receiver):
                    continue
                now = time.perf_counter()
                if now >= deadline:
                    what = "no reply" if receiver.first_at is None else "no end of turn"
                    out.failure = StepFailure(
                        f"DL_ETIMEOUT: {what} within {self._reply_timeout:g} s")
                    break
                if conversation.ended or conversation.closed:
                    raise DirectLineError("the conversation ended", code=-14)
                gevent.sleep(min(deadline - now, _poll_interval(now - done.started)))
        except DirectLineError as e:
            out.failure, out.fatal = StepFailure.from_exception(e), True
        return out

    @staticmethod
    def _take(conversation: Conversation, receiver: _TurnReceiver) -> bool:
        """Hands every activity already received to ``receiver``; False if there was none."""
        took = False
        while receiver.done_at is None:
            activity = conversation.next_activity(0)
            if activity is None:
                break
            receiver.offer(time.perf_counter(), activity)
            took = True
        return took

    def _pause(self, turn: Turn) -> None:
        think = self._think if turn.think_time is None else turn.think_time
        seconds = random.uniform(*think) if isinstance(think, tuple) else think
        if seconds > 0:
            gevent.sleep(seconds)

    def _close(self, conversation: Conversation) -> None:
        job = self._pool.spawn(conversation.close)
        job.wait(_CLOSE_WAIT_S)
