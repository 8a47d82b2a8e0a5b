"""The same conversation two ways, for bench/locust/run_bench.py.

- ``DirectLineBenchUser``: directline.locust (native library, WebSocket receive).
- ``RestPollingUser``: a Locust ``HttpUser`` doing the turns by hand over REST and
  polling ``GET activities`` for the reply, as load-test scripts are written today.

Both: token, start, then three utterances each after 1 s of think time, a reply
checked against ``^echo: ``, 1 s between conversations, and the same step names.
Settings: DIRECTLINE_ENDPOINT, DIRECTLINE_SECRET, BENCH_POLL_INTERVAL (seconds
between two polls of RestPollingUser, default 0.5), DIRECTLINE_REPLY_TIMEOUT.
"""
from __future__ import annotations

import os
import re
import time
import uuid
from typing import Any, Dict, Optional

import gevent
from locust import HttpUser, constant, task

from directline.locust import DirectLineUser

UTTERANCES = ["hello", "what can you do?", "thanks, bye"]
EXPECT = "^echo: "
THINK_S = 1.0


class DirectLineBenchUser(DirectLineUser):
    """directline.locust with the scenario above."""

    wait_time = constant(1)
    think_time = THINK_S
    reply_timeout = 5.0
    scenario = [{"text": text, "expect": EXPECT} for text in UTTERANCES]


class RestPollingUser(HttpUser):
    """The same turns by hand: POST the message, then GET activities until the reply."""

    wait_time = constant(1)
    host = os.environ.get("DIRECTLINE_ENDPOINT")
    poll_interval = float(os.environ.get("BENCH_POLL_INTERVAL", "0.5"))
    reply_timeout = float(os.environ.get("DIRECTLINE_REPLY_TIMEOUT", "5"))

    def _fire(self, name: str, started: float, error: Optional[str] = None) -> None:
        self.environment.events.request.fire(
            request_type="directline", name=name, response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=None if error is None else Exception(error), context={})

    @task
    def conversation(self) -> None:
        user_id = f"dl_rest_{uuid.uuid4().hex[:16]}"
        secret = os.environ["DIRECTLINE_SECRET"]
        r = self.client.post("/tokens/generate", name="token", json={"user": {"id": user_id}},
                             headers={"Authorization": f"Bearer {secret}"})
        if not r.ok:
            return
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        r = self.client.post("/conversations", name="start", headers=auth)
        if not r.ok:
            return
        path = f"/conversations/{r.json()['conversationId']}/activities"
        watermark: Optional[str] = None
        for text in UTTERANCES:
            gevent.sleep(THINK_S)
            started = time.perf_counter()
            activity: Dict[str, Any] = {"type": "message", "text": text,
                                        "from": {"id": user_id, "role": "user"}}
            r = self.client.post(path, name="send", json=activity, headers=auth)
            if not r.ok:
                return
            sent_id = r.json().get("id")
            reply = None
            while reply is None and time.perf_counter() - started < self.reply_timeout:
                params = {"watermark": watermark} if watermark else {}
                r = self.client.get(path, name="poll", params=params, headers=auth)
                if not r.ok:
                    return
                body = r.json()
                watermark = body.get("watermark") or watermark
                for a in body.get("activities", []):
                    if a.get("replyToId") == sent_id and a.get("type") == "message":
                        reply = a
                if reply is None:
                    gevent.sleep(self.poll_interval)
            if reply is None:
                self._fire("reply", started, "timeout")
            elif not re.search(EXPECT, reply.get("text", "")):
                self._fire("reply", started, "mismatch")
            else:
                self._fire("reply", started)
