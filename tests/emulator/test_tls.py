"""--tls-cert/--tls-key: https and wss on the same port, with a throwaway self-signed certificate."""
from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
import requests

from emulator import Emulator, emulator_binary
from helpers import DirectLine, message, next_activities, open_stream


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_tls_serves_https_and_wss(certificate):
    cert, key = certificate
    with Emulator("--tls-cert", str(cert), "--tls-key", str(key)) as emulator:
        assert emulator.base_url.startswith("https://127.0.0.1:")
        client = DirectLine(emulator)
        client.http.verify = str(cert)
        started = client.start_ok()
        assert started["streamUrl"].startswith(("wss://", "https://"))
        context = ssl.create_default_context(cafile=str(cert))
        with open_stream(started["streamUrl"], ssl=context) as ws:
            posted_id = client.post_ok(started["conversationId"], message("secure"))
            assert next_activities(ws, 1)[0]["id"] == posted_id
        # Plain HTTP on the TLS port must not reach the API.
        plain = emulator.base_url.replace("https://", "http://")
        try:
            response = requests.get(plain + "/v3/directline/session/getsessionid",
                                    headers={"Authorization": f"Bearer {client.secret}"},
                                    timeout=3)
            assert response.status_code != 200
        except requests.exceptions.RequestException:
            pass


def test_tls_with_missing_key_fails_startup(certificate, tmp_path):
    cert, _ = certificate
    proc = subprocess.run([emulator_binary(), "--secret", "s", "--port", "0",
                           "--tls-cert", str(cert), "--tls-key", str(tmp_path / "missing.pem")],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0
    assert proc.stderr.strip()
