"""The CLI over https/wss to an emulator with a throwaway self-signed certificate:
--ca-file trusts it, without it the certificate is refused (exit 11, DL_ETLS)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from clitools import EXIT, Cli, Emulator, ndjson


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def tls_emu(certificate) -> Iterator[Emulator]:
    cert, key = certificate
    with Emulator("--tls-cert", str(cert), "--tls-key", str(key)) as emulator:
        assert emulator.base_url.startswith("https://")
        yield emulator


def test_tls_with_ca_file_streams_a_reply(tls_emu: Emulator, certificate) -> None:
    cli = Cli(tls_emu)
    ca = str(certificate[0])
    started = cli.ok("--ca-file", ca, "start-conversation", env=cli.secret_env())
    assert started["streamUrl"].startswith("wss://")
    cid = started["conversationId"]
    cli.ok("--ca-file", ca, "send", "--conversation", cid, "--text", "secure", env=cli.secret_env())
    r = cli.run("--ca-file", ca, "listen", "--conversation", cid, "--from-start", "--skip-own",
                "--max", "1", "--wait", "10", env=cli.secret_env())
    assert r.returncode == 0, r.stderr
    assert [a["text"] for a in ndjson(r.stdout)] == ["echo: secure"]
    r = cli.run("--ca-file", ca, "chat", input="over wss\n", env=cli.secret_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["echo: over wss"]


def test_untrusted_certificate_is_refused(tls_emu: Emulator) -> None:
    cli = Cli(tls_emu)
    r = cli.run("--retries", "1", "generate-token", env=cli.secret_env())
    assert r.returncode == EXIT["network"], r.stderr
    assert "DL_ETLS" in r.stderr


def test_insecure_skip_verify_is_an_explicit_opt_in(tls_emu: Emulator) -> None:
    cli = Cli(tls_emu)
    assert cli.ok("--insecure-skip-tls-verify", "generate-token", env=cli.secret_env())["token"]
