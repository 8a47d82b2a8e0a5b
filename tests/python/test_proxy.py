"""The proxy option: requests go through an HTTP forward proxy."""
from __future__ import annotations

import http.server
import threading
import urllib.request
from typing import Iterator, List, Tuple

import pytest

import directline
from conftest import SECRET, receive_until
from support.emulator import Emulator


class _ForwardProxy(http.server.BaseHTTPRequestHandler):
    """A minimal plain-HTTP forward proxy (absolute-form request targets) that logs paths."""

    seen: List[str] = []

    def _forward(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection", "host",
                                        "content-length", "transfer-encoding")}
        request = urllib.request.Request(self.path, data=body, method=self.command,
                                         headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            response = opener.open(request, timeout=10)
            status, reply_headers, data = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, reply_headers, data = e.code, e.headers, e.read()
        self.send_response(status)
        for k, v in reply_headers.items():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _forward

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[Tuple[str, List[str]]]:
    seen: List[str] = []
    handler = type("Handler", (_ForwardProxy,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_requests_go_through_the_proxy(emulator: Emulator,
                                       proxy: Tuple[str, List[str]]) -> None:
    url, seen = proxy
    with directline.Client(emulator.v3, proxy=url, receive_mode="polling",
                           polling_interval=0.1, timeout=10) as client:
        token = client.generate_token(SECRET)
        with client.start_conversation(token) as conversation:
            sent = conversation.send_message("via proxy", user_id="u1")
            receive_until(conversation, lambda a: a.get("replyToId") == sent
                          and a.get("type") == "message")
    paths = [p.split(" ", 1)[1].split("?")[0] for p in seen]
    assert emulator.v3 + "/tokens/generate" in paths
    assert emulator.v3 + "/conversations" in paths
    assert any(p.endswith("/activities") for p in paths)
