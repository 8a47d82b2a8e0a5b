"""Helpers for the `directline` CLI tests: find the CLI, run it against a real emulator with a
clean environment (no DIRECTLINE_* leaking in), parse its output."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from emulator import DEFAULT_SECRET, Emulator  # noqa: E402  (tests/support/emulator.py)

REPO = Path(__file__).resolve().parents[2]

# Exit codes documented in `directline --help`.
EXIT = {"ok": 0, "local": 1, "usage": 2, "unauthorized": 3, "forbidden": 4, "expired": 5,
        "not_found": 6, "rejected": 7, "throttled": 8, "bot": 9, "server": 10, "network": 11,
        "timeout": 12, "protocol": 13, "ended": 14, "interrupted": 130}


def cli_binary() -> str:
    for candidate in (os.environ.get("DIRECTLINE_CLI"), os.environ.get("DL_TEST_CLI_DEFAULT"),
                      str(REPO / "build" / "bin" / "directline")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("directline CLI not found: build target directline_cli or set DIRECTLINE_CLI")


if not os.environ.get("DIRECTLINE_EMULATOR") and os.environ.get("DL_TEST_EMULATOR_DEFAULT"):
    os.environ["DIRECTLINE_EMULATOR"] = os.environ["DL_TEST_EMULATOR_DEFAULT"]


class Cli:
    """Runs the CLI against one emulator endpoint (3.0 or 1.1)."""

    def __init__(self, emulator: Emulator, api: str = "3.0") -> None:
        self.emulator = emulator
        self.api = api
        self.endpoint = emulator.v3 if api == "3.0" else emulator.v1
        self.binary = cli_binary()

    def env(self, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTLINE_")}
        env.update(extra or {})
        return env

    def argv(self, *args: str) -> List[str]:
        return [self.binary, "--endpoint", self.endpoint, "--api", self.api, *args]

    def run(self, *args: str, env: Optional[Dict[str, str]] = None, input: Optional[str] = None,
            timeout: float = 30.0) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(*args), env=self.env(env), input=input, text=True,
                              capture_output=True, timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)

    def popen(self, *args: str, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
        return subprocess.Popen(self.argv(*args), env=self.env(env), text=True, bufsize=1,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ok(self, *args: str, **kw: Any) -> Any:
        """Runs, asserts exit 0 and returns stdout parsed as one JSON value."""
        result = self.run(*args, **kw)
        assert result.returncode == 0, (args, result.returncode, result.stderr)
        return json.loads(result.stdout)

    # Credentials the tests hand over through the environment (never argv for secrets).
    def secret_env(self) -> Dict[str, str]:
        return {"DIRECTLINE_SECRET": self.emulator.secret}

    def start(self) -> Dict[str, Any]:
        """A new conversation started with the secret: {conversationId, token, streamUrl...}."""
        return self.ok("start-conversation", env=self.secret_env())


def ndjson(text: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def admin(emulator: Emulator, path: str, body: Any = None) -> Any:
    response = requests.post(emulator.base_url + "/admin" + path, json=body, timeout=10)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json() if response.content else None


def add_fault(emulator: Emulator, spec: str) -> None:
    """Adds a fault through the emulator's admin route (body: a SPEC string)."""
    response = requests.post(emulator.base_url + "/admin/faults", data=spec, timeout=10)
    assert response.status_code == 200, (spec, response.status_code, response.text)


def clear_faults(emulator: Emulator) -> None:
    requests.delete(emulator.base_url + "/admin/faults", timeout=10)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JsonServer:
    """A local HTTP/1.1 server (keep-alive, as a real service) that answers every GET with
    `answer(n, path) -> (status, JSON body)` for the n-th request (from 0); records the paths."""

    def __init__(self, answer: Callable[[int, str], Tuple[int, Any]]) -> None:
        self.requests: List[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802
                n = len(outer.requests)
                outer.requests.append(self.path)
                status, body = answer(n, self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # the CLI hangs up on its keep-alive connection when it exits

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Terminal:
    """A pseudo-terminal to give the CLI as its stdout; collects what the CLI writes to it."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        self.output = bytearray()

    def started(self) -> None:
        """Call once the CLI runs: only it holds the terminal's other end from then on."""
        os.close(self.slave)

    def read_until(self, needle: bytes, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.2)[0]:
                try:
                    self.output.extend(os.read(self.master, 4096))
                except OSError:  # EIO: the CLI has exited
                    return

    def close(self) -> None:
        os.close(self.master)
