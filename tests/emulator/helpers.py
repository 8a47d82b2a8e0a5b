"""Small HTTP/WebSocket helpers and a recording bot for the emulator conformance tests.

Everything here talks to a real directline-emulator process over 127.0.0.1: no mocks.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

HTTP_TIMEOUT = 10.0

# Error codes a 1.1 ErrorMessage may carry (docs/protocol.md 2.2).
V1_ERROR_CODES = {"MissingProperty", "MalformedData", "NotFound", "ServiceError", "Internal",
                  "InvalidRange", "NotSupported", "NotAllowed", "BadCertificate"}


def bearer(credential: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


def message(text: str, user: str = "u1", **extra: Any) -> Dict[str, Any]:
    activity: Dict[str, Any] = {"type": "message", "from": {"id": user}, "text": text}
    activity.update(extra)
    return activity


def assert_error_response(response: requests.Response, status: int,
                          code: Optional[str] = None) -> Dict[str, Any]:
    """Checks status, JSON content type and the ErrorResponse shape; returns the error object."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers.get("Content-Type", "").startswith("application/json"), \
        response.headers.get("Content-Type")
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str), body
    if code is not None:
        assert error["code"] == code, body
    return error


class DirectLine:
    """A thin 3.0/1.1 REST client over requests, returning raw responses for the tests to judge."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.base = emulator.base_url
        self.v3 = emulator.v3
        self.v1 = emulator.v1
        self.secret = emulator.secret
        self.http = requests.Session()
        # Loopback only: no proxies, and a per-test CA must win over REQUESTS_CA_BUNDLE.
        self.http.trust_env = False

    # --- 3.0 -----------------------------------------------------------------------------
    def generate(self, credential: Optional[str] = None, body: Any = None) -> requests.Response:
        return self.http.post(f"{self.v3}/tokens/generate", json=body,
                              headers=bearer(credential or self.secret), timeout=HTTP_TIMEOUT)

    def refresh(self, token: str) -> requests.Response:
        return self.http.post(f"{self.v3}/tokens/refresh", headers=bearer(token),
                              timeout=HTTP_TIMEOUT)

    def start(self, credential: Optional[str] = None, body: Any = None) -> requests.Response:
        return self.http.post(f"{self.v3}/conversations", json=body,
                              headers=bearer(credential or self.secret), timeout=HTTP_TIMEOUT)

    def start_ok(self, credential: Optional[str] = None, body: Any = None) -> Dict[str, Any]:
        response = self.start(credential, body)
        assert response.status_code in (200, 201), (response.status_code, response.text[:300])
        return response.json()

    def generate_ok(self, body: Any = None) -> Dict[str, Any]:
        response = self.generate(body=body)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.json()

    def reconnect(self, conversation_id: str, watermark: Optional[str] = None,
                  credential: Optional[str] = None) -> requests.Response:
        params = {} if watermark is None else {"watermark": watermark}
        return self.http.get(f"{self.v3}/conversations/{conversation_id}", params=params,
                             headers=bearer(credential or self.secret), timeout=HTTP_TIMEOUT)

    def post_activity(self, conversation_id: str, activity: Any,
                      credential: Optional[str] = None, timeout: float = HTTP_TIMEOUT
                      ) -> requests.Response:
        return self.http.post(f"{self.v3}/conversations/{conversation_id}/activities",
                              json=activity, headers=bearer(credential or self.secret),
                              timeout=timeout)

    def post_ok(self, conversation_id: str, activity: Any, credential: Optional[str] = None) -> str:
        response = self.post_activity(conversation_id, activity, credential)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.json()["id"]

    def get_activities(self, conversation_id: str, watermark: Optional[str] = None,
                       credential: Optional[str] = None) -> requests.Response:
        params = {} if watermark is None else {"watermark": watermark}
        return self.http.get(f"{self.v3}/conversations/{conversation_id}/activities",
                             params=params, headers=bearer(credential or self.secret),
                             timeout=HTTP_TIMEOUT)

    def activity_set(self, conversation_id: str, watermark: Optional[str] = None,
                     credential: Optional[str] = None) -> Dict[str, Any]:
        response = self.get_activities(conversation_id, watermark, credential)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.json()

    def all_activities(self, conversation_id: str, credential: Optional[str] = None
                       ) -> List[Dict[str, Any]]:
        """Pages through GET activities from the start until a page is empty."""
        result: List[Dict[str, Any]] = []
        watermark: Optional[str] = None
        for _ in range(1000):
            page = self.activity_set(conversation_id, watermark, credential)
            if not page["activities"]:
                return result
            result += page["activities"]
            watermark = page["watermark"]
        raise AssertionError("GET activities never returned an empty page")

    def poll_until(self, conversation_id: str, done: Callable[[List[Dict[str, Any]]], bool],
                   timeout: float = 5.0, credential: Optional[str] = None
                   ) -> List[Dict[str, Any]]:
        """Polls GET activities (from the start) until done(activities) or the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            activities = self.all_activities(conversation_id, credential)
            if done(activities):
                return activities
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met in {timeout}s; activities: "
                                     f"{[(a.get('type'), a.get('text')) for a in activities]}")
            time.sleep(0.05)

    def upload(self, conversation_id: str, data: bytes, headers: Dict[str, str],
               user_id: Optional[str] = "u1", credential: Optional[str] = None,
               v1: bool = False) -> requests.Response:
        params = {} if user_id is None else {"userId": user_id}
        root = self.v1 if v1 else self.v3
        all_headers = bearer(credential or self.secret)
        all_headers.update(headers)
        return self.http.post(f"{root}/conversations/{conversation_id}/upload", params=params,
                              data=data, headers=all_headers, timeout=HTTP_TIMEOUT)

    # --- admin ---------------------------------------------------------------------------
    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return self.http.request(method, f"{self.base}/admin/{path}", **kwargs)

    def admin_ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.admin(method, path, **kwargs)
        assert response.status_code == 200, (method, path, response.status_code,
                                             response.text[:300])
        return response.json() if response.content else None

    def bot_says(self, conversation_id: str, count: int, text: str) -> List[str]:
        ids = self.admin_ok("POST", f"conversations/{conversation_id}/activities",
                            json={"count": count, "text": text})["ids"]
        assert len(ids) == count
        return ids

    def advance_clock(self, seconds: int) -> None:
        self.admin_ok("POST", "clock", json={"advance_seconds": seconds})

    def add_fault(self, spec: str) -> None:
        self.admin_ok("POST", "faults", data=spec, headers={"Content-Type": "text/plain"})

    def clear_faults(self) -> None:
        self.admin_ok("DELETE", "faults")


# --- WebSocket stream ------------------------------------------------------------------------
def ws_url(stream_url: str) -> str:
    """Maps an http(s) stream URL to ws(s), as clients do; leaves ws(s) alone."""
    if stream_url.startswith("http://"):
        return "ws://" + stream_url[len("http://"):]
    if stream_url.startswith("https://"):
        return "wss://" + stream_url[len("https://"):]
    return stream_url


def open_stream(stream_url: str, **kwargs: Any) -> ClientConnection:
    kwargs.setdefault("open_timeout", 5)
    kwargs.setdefault("close_timeout", 2)
    kwargs.setdefault("ping_interval", None)  # the protocol's own keep-alive is what we test
    kwargs.setdefault("max_size", 2 ** 22)
    connection = connect(ws_url(stream_url), **kwargs)
    # Entered here so tests may use it with or without `with` (close() still closes it).
    return connection.__enter__()


def next_set(ws: ClientConnection, timeout: float = 5.0, keepalives: Optional[List[str]] = None
             ) -> Dict[str, Any]:
    """The next non-empty frame as JSON; empty keep-alive frames are skipped (and counted)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no ActivitySet frame in time")
        frame = ws.recv(timeout=remaining)
        assert isinstance(frame, str), "ActivitySets must come as text frames"
        if frame == "":
            if keepalives is not None:
                keepalives.append(frame)
            continue
        return json.loads(frame)


def next_activities(ws: ClientConnection, count: int, timeout: float = 5.0,
                    include_typing: bool = False) -> List[Dict[str, Any]]:
    """Collects `count` activities from the stream (typing skipped unless asked)."""
    collected: List[Dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(collected) < count:
        activity_set = next_set(ws, max(0.01, deadline - time.monotonic()))
        for activity in activity_set["activities"]:
            if include_typing or activity.get("type") != "typing":
                collected.append(activity)
    return collected


def assert_no_activity(ws: ClientConnection, within: float) -> None:
    """Nothing but typing or keep-alives arrives for `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            activity_set = next_set(ws, remaining)
        except TimeoutError:
            return
        real = [a for a in activity_set["activities"] if a.get("type") != "typing"]
        assert not real, f"unexpected activities: {real}"


def wait_closed(ws: ClientConnection, timeout: float = 5.0) -> ConnectionClosed:
    """Reads until the server closes the socket; returns the ConnectionClosed it raised."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("socket was not closed in time")
        try:
            ws.recv(timeout=remaining)
        except ConnectionClosed as closed:
            return closed
        except TimeoutError:
            raise AssertionError("socket was not closed in time")


# --- Recording bot ---------------------------------------------------------------------------
class RecordingBot:
    """A minimal Bot Connector bot: records every inbound activity and reacts per `behaviour`.

    behaviour: "ok" (answer 200), "fail" (answer 500), "sleep" (answer 200 after sleep_seconds),
    "reply" (for messages, POST a reply to serviceUrl while the inbound POST is still open,
    then answer 200). The status/body the emulator gave each reply go to `replies`.
    """

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.replies: List[requests.Response] = []
        self.behaviour = "ok"
        self.sleep_seconds = 3.0
        self.reply_double_slash = False
        self.reply_extra: Dict[str, Any] = {}
        self.close_connections = False
        self.fail_body = b""  # what a "fail" answer carries
        self._cond = threading.Condition()
        bot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    activity = json.loads(raw)
                except ValueError:
                    activity = {"_unparseable": raw.decode("utf-8", "replace")}
                activity["_path"] = self.path
                activity["_authorization"] = self.headers.get("Authorization")
                with bot._cond:
                    bot.received.append(activity)
                    bot._cond.notify_all()
                status = bot._react(activity)
                body = bot.fail_body if status == 500 else b""
                try:
                    self.send_response(status)
                    if bot.close_connections:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the emulator gave up waiting (timeout tests)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api/messages"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _react(self, activity: Dict[str, Any]) -> int:
        behaviour = self.behaviour
        if behaviour == "fail":
            return 500
        if behaviour == "sleep":
            time.sleep(self.sleep_seconds)
            return 200
        if behaviour == "reply" and activity.get("type") == "message":
            self.replies.append(self.reply_to(activity, "bot: " + str(activity.get("text"))))
        return 200

    def reply_to(self, activity: Dict[str, Any], text: str) -> requests.Response:
        """POSTs {serviceUrl}v3/conversations/{id}/activities/{activityId} like botbuilder."""
        service_url = activity["serviceUrl"]
        if not self.reply_double_slash:
            service_url = service_url.rstrip("/")
        elif not service_url.endswith("/"):
            service_url += "/"
        conversation = urllib.parse.quote(activity["conversation"]["id"], safe="")
        reply_to = urllib.parse.quote(activity["id"], safe="")
        reply = {"type": "message", "text": text, "from": activity["recipient"],
                 "recipient": activity["from"], "conversation": activity["conversation"],
                 "replyToId": activity["id"]}
        reply.update(self.reply_extra)
        return requests.post(f"{service_url}/v3/conversations/{conversation}/activities/{reply_to}",
                             json=reply, timeout=HTTP_TIMEOUT)

    def activities(self, conversation_id: str, kind: Optional[str] = None
                   ) -> List[Dict[str, Any]]:
        with self._cond:
            return [a for a in self.received
                    if a.get("conversation", {}).get("id") == conversation_id
                    and (kind is None or a.get("type") == kind)]

    def wait_for(self, conversation_id: str, count: int = 1, kind: Optional[str] = None,
                 timeout: float = 5.0) -> List[Dict[str, Any]]:
        """Waits until at least `count` activities (of `kind`) arrived for the conversation."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [a for a in self.received
                         if a.get("conversation", {}).get("id") == conversation_id
                         and (kind is None or a.get("type") == kind)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"bot got {len(found)} {kind or 'activities'} for {conversation_id}, "
                        f"wanted {count}: {[a.get('type') for a in self.received[-5:]]}")
                self._cond.wait(remaining)

    def reset(self) -> None:
        self.behaviour = "ok"
        self.fail_body = b""
        self.reply_double_slash = False
        self.reply_extra = {}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def raw_request(base_url: str, request: bytes, timeout: float = HTTP_TIMEOUT
                ) -> "tuple[int, Dict[str, str], bytes]":
    """Sends raw bytes (any header, even an invalid one) and reads the response until close."""
    host, port = urllib.parse.urlsplit(base_url).netloc.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def free_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
