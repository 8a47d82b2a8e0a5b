"""Copilot Studio style use of the CLI: `fetch-token URL`, and `chat --token-endpoint URL` (the
agent's region, a token, the greeting event), against a local agent host whose token endpoint
and regional settings point at a real emulator; streamed replies and sign-in cards as `chat`
prints them, on a pipe and on a terminal, with the bot's side played through the emulator's
admin route."""
from __future__ import annotations

import subprocess
from typing import Any, Callable, Dict, Iterator, Optional, Tuple
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from clitools import EXIT, Cli, Emulator, JsonServer, Terminal, admin, free_port

API = "api-version=2022-03-01-preview"


class AgentHost(JsonServer):
    """The agent's environment host: its token endpoint gets a token from the emulator (as the
    real one does from Direct Line), its regional settings name the emulator, or fail."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.settings_fail = False
        super().__init__(self.answer)
        self.base = self.base_url

    def answer(self, n: int, path: str) -> Tuple[int, Dict[str, Any]]:
        url = urlparse(path)
        if url.path == "/powervirtualagents/regionalchannelsettings" and not self.settings_fail:
            return 200, {"channelUrlsById": {"directline": self.emulator.base_url + "/"}, "geo": "test"}
        if url.path == "/powervirtualagents/botsbyschema/cr123.agent/directline/token":
            token = requests.post(self.emulator.v3 + "/tokens/generate", timeout=10,
                                  headers={"Authorization": "Bearer " + self.emulator.secret})
            return 200, token.json()
        if url.path.endswith("/directline/token"):
            return 404, {"error": {"code": "BotNotFound", "message": "no such agent"}}
        return 500, {"error": {"code": "InternalError", "message": "broken"}}

    def token_url(self, schema: str = "cr123.agent") -> str:
        return f"{self.base}/powervirtualagents/botsbyschema/{schema}/directline/token?{API}"


@pytest.fixture
def agent(emu: Emulator) -> Iterator[AgentHost]:
    host = AgentHost(emu)
    yield host
    host.close()


def dead_endpoint() -> str:
    return f"http://127.0.0.1:{free_port()}/v3/directline"


def test_fetch_token_prints_the_token_like_generate_token(cli: Cli, agent: AgentHost) -> None:
    out = cli.ok("fetch-token", agent.token_url())
    assert list(out) == ["conversationId", "token", "expires_in"]
    started = cli.ok("start-conversation", "--token", out["token"])
    assert started["conversationId"] == out["conversationId"]


def test_fetch_token_error_has_the_status_and_the_agents_code(cli: Cli, agent: AgentHost) -> None:
    r = cli.run("fetch-token", agent.token_url("no.such.agent"))
    assert r.returncode == EXIT["not_found"], r.stderr
    assert r.stdout == ""
    assert r.stderr.strip().endswith("(DL_ENOTFOUND, HTTP 404, BotNotFound)"), r.stderr


def test_fetch_token_checks_its_url(cli: Cli) -> None:
    r = cli.run("fetch-token", "http://agent.example/powervirtualagents/botsbyschema/x/directline/token")
    assert r.returncode == EXIT["usage"] and "DL_EINSECURE" in r.stderr, r.stderr
    r = cli.run("fetch-token")
    assert r.returncode == EXIT["usage"] and "url" in r.stderr, r.stderr


def test_chat_with_a_token_endpoint_talks_in_the_agents_region(cli: Cli, agent: AgentHost) -> None:
    # The configured endpoint is dead: only the agent's regional endpoint can answer.
    r = cli.run("--endpoint", dead_endpoint(), "chat", "--token-endpoint", agent.token_url(),
                "--wait", "1", input="hi\n", timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "echo: hi"
    assert "warning: no regional endpoint" not in r.stderr
    settings = [p for p in agent.requests if "regionalchannelsettings" in p]
    assert settings and parse_qs(urlparse(settings[0]).query) == {"api-version": ["2022-03-01-preview"]}


def test_chat_falls_back_to_the_configured_endpoint_with_a_warning(cli: Cli, agent: AgentHost) -> None:
    agent.settings_fail = True
    r = cli.run("chat", "--token-endpoint", agent.token_url(), "--wait", "1", input="hi\n", timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "echo: hi"
    assert "warning: no regional endpoint for the agent" in r.stderr
    assert "(DL_ESERVER, HTTP 500, InternalError); using " + cli.endpoint in r.stderr


def test_chat_token_endpoint_usage_errors(cli: Cli, agent: AgentHost) -> None:
    for args, fragment in [
        (("chat", "--token-endpoint", agent.token_url(), "--token", "t"), "not both"),
        (("chat", "--token-endpoint", agent.token_url(), "--conversation", "c"), "--conversation"),
        (("--api", "1.1", "chat", "--token-endpoint", agent.token_url()), "--api 3.0"),
        (("--api", "1.1", "chat", "--stream"), "--api 3.0"),
        (("chat", "--conversation", "c", "--greet"), "starts the conversation"),
    ]:
        r = cli.run(*args)
        assert r.returncode == EXIT["usage"], (args, r.stderr)
        assert fragment in r.stderr, (args, r.stderr)


# ---------------------------------------------------------------- streamed replies, sign-in

SIGNIN = "https://login.example/signin?state=abc"


def bot_says(emu: Emulator, cid: str, activity: Dict[str, Any]) -> str:
    return admin(emu, f"/conversations/{cid}/activities", activity)["ids"][0]


def chunk(text: str, sequence: int, stream: Optional[str] = None, kind: str = "streaming") -> Dict[str, Any]:
    info: Dict[str, Any] = {"type": "streaminfo", "streamType": kind, "streamSequence": sequence}
    if stream:
        info["streamId"] = stream
    return {"type": "typing", "text": text, "entities": [info]}


def play_a_streamed_answer(emu: Emulator, cid: str, ready: Callable[[], None]) -> None:
    """A ready message (so the chat's stream is live), then a stream with a stale chunk and a
    late one around its final message, then a sign-in card, then the end."""
    bot_says(emu, cid, {"type": "message", "text": "ready"})
    ready()
    stream = bot_says(emu, cid, chunk("A quick", 1))
    bot_says(emu, cid, chunk("A quick brown fox", 2, stream))
    bot_says(emu, cid, chunk("A", 1, stream))  # stale: dropped
    bot_says(emu, cid, {"type": "message", "text": "A quick brown fox jumped.",
                        "entities": [{"type": "streaminfo", "streamId": stream, "streamType": "final"}]})
    bot_says(emu, cid, chunk("late", 3, stream))  # after the final: dropped
    bot_says(emu, cid, {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.oauth",
        "content": {"text": "Please sign in", "connectionName": "graph",
                    "buttons": [{"type": "signin", "title": "Sign in", "value": SIGNIN}]}}]})
    admin(emu, f"/conversations/{cid}/end")


def test_chat_on_a_pipe_prints_one_line_per_update(cli: Cli) -> None:
    cid = cli.start()["conversationId"]
    proc = cli.popen("chat", "--conversation", cid, env=cli.secret_env())
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert "listening to conversation" in proc.stderr.readline()
        def ready() -> None:
            assert proc.stdout is not None and proc.stdout.readline() == "ready\n"

        play_a_streamed_answer(cli.emulator, cid, ready)
        out, err = proc.communicate(timeout=30)  # the end stops it; stdin stays open
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.splitlines() == ["A quick", "A quick brown fox", "A quick brown fox jumped.",
                                "sign in: " + SIGNIN]


def test_chat_on_a_terminal_rewrites_the_line_as_the_text_grows(cli: Cli) -> None:
    cid = cli.start()["conversationId"]
    term = Terminal()
    proc = subprocess.Popen(cli.argv("chat", "--conversation", cid), env=cli.env(cli.secret_env()),
                            stdin=subprocess.PIPE, stdout=term.slave, stderr=subprocess.PIPE)
    term.started()
    try:
        assert proc.stderr is not None
        assert b"listening to conversation" in proc.stderr.readline()
        play_a_streamed_answer(cli.emulator, cid, lambda: term.read_until(b"ready\r\n"))
        term.read_until(SIGNIN.encode())
        proc.wait(timeout=30)
    finally:
        proc.kill()
        term.close()
    assert proc.returncode == 0
    text = term.output.decode()
    # Each update goes back to the start of the line and erases the rest; the final message
    # replaces the live line and ends it.
    assert "\rA quick\x1b[K\rA quick brown fox\x1b[K\rA quick brown fox jumped.\x1b[K\r\n" in text, repr(text)
    assert "late" not in text and "\rA\x1b[K" not in text
    assert text.endswith("sign in: " + SIGNIN + "\r\n"), repr(text)
