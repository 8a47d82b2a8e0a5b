"""Fixtures for the `directline` CLI tests: real emulator processes on loopback."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clitools import Cli, Emulator  # noqa: E402


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator("--admin") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def cli(emu: Emulator) -> Cli:
    return Cli(emu, "3.0")


@pytest.fixture(scope="module")
def cli_v1(emu: Emulator) -> Cli:
    return Cli(emu, "1.1")

