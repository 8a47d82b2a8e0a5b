"""The CLI against a hostile local server whose history never ends: paging to "now" (listen, and
chat on --conversation) must stop with a protocol error after a bounded number of requests,
not loop on GET activities."""
from __future__ import annotations

import subprocess
import time
from typing import Iterator, Tuple

import pytest

from clitools import EXIT, JsonServer, cli_binary

ACTIVITY = {"type": "message", "id": "c|0000001", "text": "again", "from": {"id": "bot"}}


class Hostile(JsonServer):
    """GET .../activities answers with `page(n)` for the n-th request (from 0)."""

    def __init__(self, page) -> None:
        def answer(n: int, path: str) -> Tuple[int, dict]:
            activities, watermark = page(n)
            return 200, {"activities": activities, "watermark": watermark}

        super().__init__(answer)
        self.endpoint = self.base_url + "/v3/directline"


def run(endpoint: str, *args: str) -> Tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([cli_binary(), "--endpoint", endpoint, "--retries", "1", *args,
                             "--conversation", "c", "--token", "t", "--wait", "1"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return result, time.monotonic() - started


PAGES = {
    # The same activity and watermark every time.
    "repeats": lambda n: ([ACTIVITY], "1"),
    # Two watermarks taking turns: moves, but in a circle.
    "cycles": lambda n: ([ACTIVITY], str(1 + n % 2)),
}


@pytest.fixture(params=sorted(PAGES))
def hostile(request) -> Iterator[Tuple[str, Hostile]]:
    server = Hostile(PAGES[request.param])
    yield request.param, server
    server.close()


@pytest.mark.parametrize("command", ["listen", "chat"])
def test_a_history_that_does_not_advance_is_a_protocol_error(hostile, command: str) -> None:
    name, server = hostile
    result, seconds = run(server.endpoint, command)
    assert result.returncode == EXIT["protocol"], (name, result.returncode, result.stderr)
    assert "DL_EPROTOCOL" in result.stderr and "again" in result.stderr, result.stderr
    assert len(server.requests) <= 3, (name, len(server.requests))
    assert seconds < 10
    assert result.stdout == ""  # nothing of the looping history was printed


def test_an_endless_history_stops_after_the_page_limit() -> None:
    server = Hostile(lambda n: ([dict(ACTIVITY, id=f"c|{n:07d}")], str(n + 1)))
    try:
        result, seconds = run(server.endpoint, "listen", "--from-start")
    finally:
        server.close()
    assert result.returncode == EXIT["protocol"], result.stderr
    assert "did not end after 1000 pages" in result.stderr
    assert len(server.requests) == 1000
    assert len(result.stdout.splitlines()) == 1000  # --from-start printed each page once
