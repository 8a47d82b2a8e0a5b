"""https and wss against the emulator with a self-signed certificate (ca_file)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator, Tuple

import pytest

import directline
from conftest import SECRET, receive_until
from support.emulator import Emulator

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Emulator, Path]]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    with Emulator("--tls-cert", str(cert), "--tls-key", str(key)) as emu:
        assert emu.base_url.startswith("https://")
        yield emu, cert


def test_https_and_wss_with_ca_file(tls_emulator: Tuple[Emulator, Path]) -> None:
    emu, cert = tls_emulator
    with directline.Client(emu.v3, ca_file=str(cert), timeout=10) as client:
        token = client.generate_token(SECRET)
        with client.start_conversation(token) as conversation:
            assert conversation.stream_url and conversation.stream_url.startswith("wss://")
            sent = conversation.send_message("over tls", user_id="u1")
            reply = receive_until(conversation, lambda a: a.get("replyToId") == sent
                                  and a.get("type") == "message")
            assert reply["text"] == "echo: over tls"


def test_untrusted_certificate_is_tls_error(tls_emulator: Tuple[Emulator, Path]) -> None:
    emu, _ = tls_emulator
    with directline.Client(emu.v3, retry_attempts=1, timeout=5) as client:
        with pytest.raises(directline.TLSError) as info:
            client.generate_token(SECRET)
    assert SECRET not in str(info.value)
