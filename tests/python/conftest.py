"""Fixtures for the Python binding tests: real emulator processes on 127.0.0.1.

`directline` is imported from wherever Python finds it: scripts/test-python.sh
runs these tests against the installed wheel; during development put the
build tree first (PYTHONPATH=build-py/bindings/python).
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# Our own build dirs, when the shared build/ has no emulator yet.
if "DIRECTLINE_EMULATOR" not in os.environ:
    for build in ("build", "build-release", "build-py"):
        candidate = REPO / build / "bin" / "directline-emulator"
        if candidate.exists():
            os.environ["DIRECTLINE_EMULATOR"] = str(candidate)
            break

from support.emulator import DEFAULT_SECRET, Emulator  # noqa: E402

import directline  # noqa: E402

SECRET = DEFAULT_SECRET


def pytest_report_header(config: Any) -> str:
    return (f"directline {directline.__version__} from {Path(directline.__file__).parent}; "
            f"emulator {os.environ.get('DIRECTLINE_EMULATOR', '(default lookup)')}")


def admin(emulator: Emulator, method: str, path: str, body: Optional[Any] = None) -> Any:
    """Calls an emulator /admin route (the emulator must run with --admin)."""
    data = None
    headers = {}
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = "text/plain" if isinstance(body, str) else "application/json"
    request = urllib.request.Request(emulator.base_url + path, data=data, method=method,
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return json.loads(text) if text.strip() else None


def add_fault(emulator: Emulator, spec: str) -> None:
    admin(emulator, "POST", "/admin/faults", spec)


def clear_faults(emulator: Emulator) -> None:
    admin(emulator, "DELETE", "/admin/faults")


def bot_says(emulator: Emulator, conversation_id: str, body: Dict[str, Any]) -> Any:
    return admin(emulator, "POST", f"/admin/conversations/{conversation_id}/activities", body)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator per test module, with /admin routes (faults are cleared per test)."""
    with Emulator("--admin", "--threads", "8") as emu:
        yield emu


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: Any) -> Iterator[None]:
    yield
    if "emulator" in request.fixturenames:
        emu = request.getfixturevalue("emulator")
        if emu.proc.poll() is None:
            clear_faults(emu)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[directline.Client]:
    with directline.Client(emulator.v3, timeout=10) as c:
        yield c


@pytest.fixture
def v1_client(emulator: Emulator) -> Iterator[directline.Client]:
    with directline.Client(emulator.v1, "1.1", timeout=10, polling_interval=0.2) as c:
        yield c


def receive_until(conversation: directline.Conversation, predicate: Any,
                  timeout: float = 10.0) -> Dict[str, Any]:
    """Next activities until one matches predicate; fails after timeout seconds."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "expected activity did not arrive in time"
        activity = conversation.next_activity(timeout=left)
        assert activity is not None, "expected activity did not arrive in time"
        if predicate(activity):
            return activity
