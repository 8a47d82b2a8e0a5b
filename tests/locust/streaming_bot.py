"""A Bot Connector bot for the emulator's --bot: greets, streams its replies, then says more.

On the `startConversation` event it sends one greeting message. On a message it
thinks for THINK_S, then answers "echo: <text>": streamed when the message asks for
it (`deliveryMode: stream`), as typing chunks with a `streaminfo` entity (cumulative
text, sequence 1, 2, 3, one stream id, the first chunk "informative") and a final
message, otherwise as one message. Either way it then sends a late extra message
replying to the same user message, which arrives while the bot still thinks about
the user's next message: a client must not take it for the next turn's reply.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional

THINK_S = 0.15
CHUNK_DELAY_S = 0.05
LATE_DELAY_S = 0.05


def _post(url: str, activity: Dict[str, Any]) -> Optional[str]:
    request = urllib.request.Request(url, data=json.dumps(activity).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read() or b"{}")
    return body.get("id")


def _stream_info(kind: str, sequence: int, stream_id: Optional[str]) -> Dict[str, Any]:
    info: Dict[str, Any] = {"type": "streaminfo", "streamType": kind}
    if sequence:
        info["streamSequence"] = sequence
    if stream_id:
        info["streamId"] = stream_id
    return info


def answer(activity: Dict[str, Any]) -> None:
    """Replies to one activity from the emulator (runs on its own thread)."""
    reply_url = (f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/"
                 f"{activity['conversation']['id']}/activities/{activity['id']}")
    if activity.get("type") == "event" and activity.get("name") == "startConversation":
        _post(reply_url, {"type": "message", "text": "Hello! I stream my answers."})
        return
    if activity.get("type") != "message":
        return
    text = f"echo: {activity.get('text', '')}"
    time.sleep(THINK_S)
    if activity.get("deliveryMode") == "stream":
        stream_id = None
        for sequence, cut in enumerate((2, len(text) // 2, len(text) - 1), start=1):
            kind = "informative" if sequence == 1 else "streaming"
            chunk = {"type": "typing", "text": text[:cut],
                     "entities": [_stream_info(kind, sequence, stream_id)]}
            chunk_id = _post(reply_url, chunk)
            stream_id = stream_id or chunk_id  # the first chunk's id names the stream
            time.sleep(CHUNK_DELAY_S)
        _post(reply_url, {"type": "message", "text": text,
                          "entities": [_stream_info("final", 0, stream_id)]})
    else:
        _post(reply_url, {"type": "message", "text": text})
    time.sleep(LATE_DELAY_S)
    _post(reply_url, {"type": "message", "text": "late: one more thing"})


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        length = int(self.headers.get("Content-Length", "0"))
        activity = json.loads(self.rfile.read(length) or b"{}")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        threading.Thread(target=answer, args=(activity,), daemon=True).start()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class StreamingBot:
    """The bot on 127.0.0.1 (a free port), until stop()."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/messages"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
