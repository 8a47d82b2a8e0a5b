"""Fixtures: emulator processes (shared per module, dedicated for special flags) and bots."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from emulator import Emulator  # noqa: E402  (tests/support/emulator.py)
from helpers import DirectLine, RecordingBot  # noqa: E402


def assert_survived(emulator: Emulator) -> None:
    """After a whole module of bad input the process is still up and shuts down cleanly."""
    assert emulator.proc.poll() is None, \
        f"emulator died (exit {emulator.proc.returncode}): {''.join(emulator.stderr_lines)[-2000:]}"
    assert emulator.stop() == 0, "emulator did not exit 0 on SIGTERM"
    # Sanitizer builds (DL_SANITIZE) report here; UBSan keeps running after a report.
    emulator._drain.join(5)  # the stderr pump ends at EOF, after the process exited
    log = "".join(emulator.stderr_lines)
    for marker in ("runtime error:", "AddressSanitizer", "LeakSanitizer", "ThreadSanitizer"):
        assert marker not in log, log[-3000:]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """The shared echo-bot emulator of a module (admin routes on for bot-side actions)."""
    with Emulator("--admin") as emulator:
        yield emulator
        assert_survived(emulator)


@pytest.fixture(scope="module")
def dl(emu: Emulator) -> DirectLine:
    return DirectLine(emu)


@pytest.fixture(scope="module")
def bot_server() -> Iterator[RecordingBot]:
    bot = RecordingBot()
    yield bot
    bot.close()


@pytest.fixture
def bot(bot_server: RecordingBot) -> Iterator[RecordingBot]:
    """The module's recording bot, with its behaviour reset after each test."""
    yield bot_server
    bot_server.reset()


@pytest.fixture(scope="module")
def bot_emu(bot_server: RecordingBot) -> Iterator[Emulator]:
    """An emulator that forwards to the module's recording bot."""
    with Emulator("--admin", "--bot", bot_server.url, "--bot-timeout", "5000") as emulator:
        yield emulator
        assert_survived(emulator)


@pytest.fixture(scope="module")
def bdl(bot_emu: Emulator) -> DirectLine:
    return DirectLine(bot_emu)


@pytest.fixture(scope="module")
def clock_emu() -> Iterator[Emulator]:
    """A dedicated emulator whose clock the tests move forward (never share: expiry is global)."""
    with Emulator("--admin") as emulator:
        yield emulator
        assert_survived(emulator)


@pytest.fixture(scope="module")
def cdl(clock_emu: Emulator) -> DirectLine:
    return DirectLine(clock_emu)
