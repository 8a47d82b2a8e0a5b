#!/usr/bin/env python3
"""A Direct Line server that misbehaves on purpose, for the client's tests.

usage: hostile_server.py [--run COMMAND...]
Serves on 127.0.0.1 (a free port) one conversation "c1" per base path
/SCENARIO/INSTANCE/v3/directline and /SCENARIO/INSTANCE/api (1.1); INSTANCE is
any name, so each test gets fresh counters. GET /SCENARIO/INSTANCE/_stats
answers with what that instance was asked so far: {"start": n, "reconnect": n,
"activities": n, "stream": n, "watermarks": [...]} (watermarks: the query
value of each GET activities). Without --run it prints "listening on
http://127.0.0.1:PORT" and serves until killed; with --run it runs COMMAND with
HOSTILE_SERVER=http://127.0.0.1:PORT in its environment and exits with its status.

Scenarios (see SCENARIOS below): deep JSON on GET activities or on the stream,
"activities": {}, the same page forever, a missing reconnect route, a
watermark that goes back, errors that echo the stream token and the secret.
Standard library only: plain HTTP/1.1 and a minimal WebSocket server.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEPTH = 100_000  # ~200 KB: the nesting that used to crash the client
STREAM_TOKEN = "st.Tok%2Bv9"  # as it appears in the streamUrl (percent-encoded)
STREAM_TOKEN_DECODED = "st.Tok+v9"


def deep_activity(activity_id):
    nested = "[" * DEPTH + "]" * DEPTH
    return '{"type":"message","id":"%s","from":{"id":"bot"},"text":"deep","channelData":%s}' % (
        activity_id, nested)


def message(activity_id, text="hello"):
    return {"type": "message", "id": activity_id, "from": {"id": "bot"}, "text": text}


def activity_set(activities, watermark, key="activities"):
    return json.dumps({key: activities, "watermark": watermark})


class Conversation:
    """One instance's state: counters and where it lives."""

    def __init__(self, scenario, base):
        self.scenario = scenario
        self.base = base  # http://127.0.0.1:PORT/SCENARIO/INSTANCE
        self.lock = threading.Lock()
        self.stats = {"start": 0, "reconnect": 0, "activities": 0, "stream": 0, "watermarks": []}

    def count(self, key, watermark=None):
        with self.lock:
            self.stats[key] += 1
            if key == "activities":
                self.stats["watermarks"].append(watermark)
            return self.stats[key]

    def stream_url(self):
        return "ws%s/v3/directline/conversations/c1/stream?t=%s" % (self.base[len("http"):], STREAM_TOKEN)


# Each scenario: what start returns (streamUrl or not), and the answers of
# GET activities (n = 1, 2, ... for the n-th request), reconnect and the stream.
# An answer is (status, body).
def poll_answer(conv, n, watermark, v1):
    s = conv.scenario
    key = "messages" if v1 else "activities"
    if s in ("deep-poll", "deep-everywhere"):
        return 200, '{"%s":[%s],"watermark":"1"}' % (key, deep_activity("c1|1"))
    if s == "activities-object":
        return 200, '{"%s":{},"watermark":"1"}' % key
    if s == "same-page":
        return 200, activity_set([message("c1|1")], "1", key)
    if s in ("deep-stream", "no-reconnect"):
        # Polling works: one new activity per request up to 3.
        k = min(n, 3)
        return 200, activity_set([message("c1|%d" % i) for i in range(1, k + 1)], str(k), key)
    if s == "watermark-back":
        if n == 1:
            return 200, activity_set([message("c1|1"), message("c1|2")], "2", key)
        if n == 2:
            return 200, activity_set([message("c1|3")], "1", key)  # backwards
        return 200, activity_set([], None, key)
    if s == "echo-secrets":
        return 400, json.dumps({"error": {"code": "BadArgument",
                                          "message": "stream %s, t %s and secret k3y. rejected; see %s" % (
                                              STREAM_TOKEN, STREAM_TOKEN_DECODED, conv.stream_url())}})
    return 200, activity_set([], None, key)


SCENARIOS = {
    "deep-poll": "GET activities: an activity nested 100,000 levels",
    "deep-stream": "stream: that activity; polling: fine (one new activity per request, up to 3)",
    "deep-everywhere": "the deep activity on the stream and on GET activities",
    "activities-object": '"activities": {} on GET activities',
    "same-page": "the same activity and watermark on every GET activities",
    "no-reconnect": "404 on GET conversations/c1 (reconnect); polling fine",
    "watermark-back": "pages with watermark 2, then 1 (backwards), then empty",
    "echo-secrets": "GET activities: 400 whose message echoes the stream token and the secret",
    "quiet": "nothing to receive",
}


def stream_frames(conv):
    s = conv.scenario
    if s in ("deep-stream", "deep-everywhere"):
        return ['{"activities":[%s],"watermark":"1"}' % deep_activity("c1|1")]
    return []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def route(self):
        """(conversation, path below the instance, query) or None after a 404."""
        url = urlsplit(self.path)
        parts = url.path.split("/", 3)  # "", scenario, instance, rest
        if len(parts) < 4 or parts[1] not in SCENARIOS:
            self.send(404, '{"error":{"code":"NotFound","message":"unknown scenario"}}')
            return None
        conv = self.server.instance(parts[1], parts[2])
        return conv, "/" + parts[3], parse_qs(url.query, keep_blank_values=True)

    def do_POST(self):
        self.read_body()
        routed = self.route()
        if not routed:
            return
        conv, path, _ = routed
        if path in ("/v3/directline/conversations", "/api/conversations"):
            conv.count("start")
            body = {"conversationId": "c1", "token": "hostile-token-0123456789", "expires_in": 3600}
            if path.startswith("/v3") and conv.scenario in ("deep-stream", "deep-everywhere", "echo-secrets"):
                body["streamUrl"] = conv.stream_url()
            return self.send(201, json.dumps(body))
        if path in ("/v3/directline/conversations/c1/activities", "/api/conversations/c1/messages"):
            return self.send(200, '{"id":"c1|posted"}')
        self.send(404, '{"error":{"code":"NotFound","message":"no such route"}}')

    def do_GET(self):
        routed = self.route()
        if not routed:
            return
        conv, path, query = routed
        watermark = query.get("watermark", [None])[0]
        if path == "/_stats":
            with conv.lock:
                return self.send(200, json.dumps(conv.stats))
        if path in ("/v3/directline/conversations/c1/activities", "/api/conversations/c1/messages"):
            n = conv.count("activities", watermark)
            return self.send(*poll_answer(conv, n, watermark, path.startswith("/api")))
        if path == "/v3/directline/conversations/c1":
            conv.count("reconnect")
            if conv.scenario == "no-reconnect":
                return self.send(404, '{"error":{"code":"NotFound","message":"no reconnect here"}}')
            body = {"conversationId": "c1", "token": "hostile-token-0123456789", "expires_in": 3600}
            if conv.scenario in ("deep-stream", "deep-everywhere", "echo-secrets"):
                body["streamUrl"] = conv.stream_url()
            return self.send(200, json.dumps(body))
        if path == "/v3/directline/conversations/c1/stream":
            conv.count("stream")
            return self.websocket(stream_frames(conv))
        self.send(404, '{"error":{"code":"NotFound","message":"no such route"}}')

    def websocket(self, frames):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.end_headers()
        self.wfile.flush()
        try:
            for text in frames:
                self.wfile.write(ws_frame(0x1, text.encode()))
                self.wfile.flush()
            # Keep the socket open until the client goes (reads and drops its frames).
            self.connection.settimeout(30)
            while self.connection.recv(65536):
                pass
        except OSError:
            pass
        self.close_connection = True


def ws_frame(opcode, payload):
    header = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([n])
    elif n < 65536:
        header += bytes([126]) + n.to_bytes(2, "big")
    else:
        header += bytes([127]) + n.to_bytes(8, "big")
    return header + payload


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server_address[1]
        self.lock = threading.Lock()
        self.instances = {}

    def instance(self, scenario, name):
        with self.lock:
            key = (scenario, name)
            if key not in self.instances:
                self.instances[key] = Conversation(scenario, "%s/%s/%s" % (self.url, scenario, name))
            return self.instances[key]


def main():
    server = Server()
    if len(sys.argv) > 2 and sys.argv[1] == "--run":
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = dict(os.environ, HOSTILE_SERVER=server.url)
        sys.exit(subprocess.call(sys.argv[2:], env=env))
    print("listening on " + server.url, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
