"""Start a real directline-emulator process for a test and stop it afterwards.

Every Python test suite (emulator conformance, the Python binding) uses this, so
the emulator is always driven the same way: `--port 0`, then the first stdout
line `listening on http://127.0.0.1:PORT` gives the base URL.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import Iterable, List, Optional

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "test-secret-0123456789"


def emulator_binary() -> str:
    """The emulator executable: $DIRECTLINE_EMULATOR, build/bin, or PATH."""
    env = os.environ.get("DIRECTLINE_EMULATOR")
    if env:
        return env
    for build in ("build", "build-release"):
        candidate = REPO / build / "bin" / "directline-emulator"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("directline-emulator")
    if found:
        return found
    raise RuntimeError("directline-emulator not found: build it or set DIRECTLINE_EMULATOR")


class Emulator:
    """A running emulator. Use as a context manager, or call stop()."""

    def __init__(self, *args: str, secrets: Iterable[str] = (DEFAULT_SECRET,),
                 startup_timeout: float = 15.0) -> None:
        cmd: List[str] = [emulator_binary(), "--port", "0"]
        for s in secrets:
            cmd += ["--secret", s]
        cmd += list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.stderr_lines: List[str] = []
        line = self._first_line(startup_timeout)
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r} {''.join(self.stderr_lines)}")
        self.base_url = line[len("listening on "):].strip()  # e.g. http://127.0.0.1:PORT
        self.v3 = self.base_url + "/v3/directline"
        self.v1 = self.base_url + "/api"
        self.secret = next(iter(secrets), None)
        self._drain = threading.Thread(target=self._pump, daemon=True)
        self._drain.start()

    def _first_line(self, timeout: float) -> str:
        result: List[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()))
        reader.start()
        reader.join(timeout)
        return result[0] if result else ""

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
