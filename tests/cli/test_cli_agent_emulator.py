"""`directline chat --token-endpoint` and `fetch-token` against the emulator's Copilot Studio
agent routes and echo bot: token endpoint, regional settings, greeting (English, French),
streamed replies (on a pipe and on a terminal), the sign-in card of `login`."""
from __future__ import annotations

import subprocess
from typing import Iterator, List

import pytest

from clitools import EXIT, Cli, Emulator, Terminal, free_port

API = "api-version=2022-03-01-preview"
GREETING_EN = "Hello! I am the emulator's echo bot. Write to me and I will echo it."
GREETING_FR = "Bonjour ! Je suis le bot d'écho de l'émulateur. Écrivez-moi, je vous répondrai."


@pytest.fixture(scope="module")
def agent_emu() -> Iterator[Emulator]:
    with Emulator("--agent-schema", "cr123.helper", "--stream-delay", "20") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def agent_cli(agent_emu: Emulator) -> Cli:
    return Cli(agent_emu)


def token_url(emu: Emulator, schema: str = "emulator.agent") -> str:
    return f"{emu.base_url}/powervirtualagents/botsbyschema/{schema}/directline/token?{API}"


def dead_endpoint() -> str:
    return f"http://127.0.0.1:{free_port()}/v3/directline"


def chat(cli: Cli, *args: str, input: str) -> subprocess.CompletedProcess:
    # The configured endpoint is dead: everything must go to the agent's regional endpoint.
    return cli.run("--endpoint", dead_endpoint(), "chat", "--token-endpoint", token_url(cli.emulator),
                   *args, input=input, timeout=60)


@pytest.mark.parametrize("schema", ["emulator.agent", "cr123.helper"])
def test_fetch_token_from_the_agents_token_endpoint(agent_cli: Cli, schema: str) -> None:
    out = agent_cli.ok("fetch-token", token_url(agent_cli.emulator, schema))
    assert list(out) == ["conversationId", "token", "expires_in"]
    started = agent_cli.ok("start-conversation", "--token", out["token"])
    assert started["conversationId"] == out["conversationId"]


def test_fetch_token_for_an_unknown_agent_is_not_found(agent_cli: Cli) -> None:
    r = agent_cli.run("fetch-token", token_url(agent_cli.emulator, "no.such.agent"))
    assert r.returncode == EXIT["not_found"], r.stderr
    assert "HTTP 404" in r.stderr and r.stdout == ""


def test_chat_greets_and_answers_in_the_agents_region(agent_cli: Cli) -> None:
    r = chat(agent_cli, input="hi there\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [GREETING_EN, "echo: hi there"]
    assert "warning" not in r.stderr, r.stderr


def test_chat_greets_in_the_users_locale(agent_cli: Cli) -> None:
    r = chat(agent_cli, "--locale", "fr-FR", "--timezone", "Europe/Paris", input="")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [GREETING_FR]


def test_chat_streams_one_line_per_update_on_a_pipe(agent_cli: Cli) -> None:
    r = chat(agent_cli, "--stream", input="one two three four\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == GREETING_EN
    final = "echo: one two three four"
    updates, last = lines[1:-1], lines[-1]
    assert last == final
    assert len(updates) >= 3, lines
    assert all(final.startswith(u) for u in updates), lines  # cumulative text
    assert [len(u) for u in updates] == sorted(len(u) for u in updates)
    assert len(set(updates)) == len(updates)


def test_chat_streams_in_place_on_a_terminal(agent_cli: Cli) -> None:
    term = Terminal()
    argv = agent_cli.argv("--endpoint", dead_endpoint(), "chat", "--token-endpoint",
                          token_url(agent_cli.emulator), "--stream")
    proc = subprocess.Popen(argv, env=agent_cli.env(), stdin=subprocess.PIPE, stdout=term.slave,
                            stderr=subprocess.DEVNULL)
    term.started()
    try:
        term.read_until(GREETING_EN.encode() + b"\r\n")
        assert proc.stdin is not None
        proc.stdin.write(b"one two three four\n")
        proc.stdin.flush()
        term.read_until(b"echo: one two three four\x1b[K\r\n")
        proc.stdin.close()
        proc.wait(timeout=20)
    finally:
        proc.kill()
        term.close()
    assert proc.returncode == 0
    answer = term.output.decode().split(GREETING_EN + "\r\n", 1)[1]
    # Every update rewrites the line; the final message leaves it complete, once.
    steps: List[str] = [s.split("\x1b[K")[0] for s in answer.split("\r") if s and s != "\n"]
    assert steps[-1] == "echo: one two three four", repr(answer)
    assert len(steps) >= 3, repr(answer)
    assert answer.count("\n") == 1, repr(answer)


def test_chat_prints_the_sign_in_url_of_an_oauth_card(agent_cli: Cli) -> None:
    r = chat(agent_cli, input="login\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:2] == [GREETING_EN, "Please sign in."], lines
    assert lines[2].startswith(f"sign in: {agent_cli.emulator.base_url}/signin?conversationId="), lines
    assert len(lines) == 3


def test_chat_with_a_secret_and_greet(agent_cli: Cli) -> None:
    r = agent_cli.run("chat", "--greet", "--stream", input="x\n", env=agent_cli.secret_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == GREETING_EN and lines[-1] == "echo: x"
