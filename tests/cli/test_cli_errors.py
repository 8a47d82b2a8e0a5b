"""Exit codes and error lines of `directline` for each error class, against a real emulator
(real 403/404/expiry; injected 401/429/500/502 through the emulator's fault routes)."""
from __future__ import annotations

import re
from typing import Iterator

import pytest

from clitools import EXIT, Cli, Emulator, add_fault, admin, clear_faults, free_port

ERROR_LINE = re.compile(r"^directline: .+ \(DL_E[A-Z_]+(, HTTP \d{3})?(, [A-Za-z]+)?(, retry after \d+ s)?\)$")


@pytest.fixture(autouse=True)
def no_faults(emu: Emulator) -> Iterator[None]:
    yield
    clear_faults(emu)


def assert_error(result, exit_code: int, code: str, status: int = 0) -> str:
    assert result.returncode == exit_code, (result.returncode, result.stderr)
    assert result.stdout == ""
    line = result.stderr.strip().splitlines()[-1]
    assert ERROR_LINE.match(line), line
    assert f"({code}" in line, line
    if status:
        assert f"HTTP {status}" in line, line
    return line


def test_03_unknown_secret_is_forbidden_exit_4(cli: Cli) -> None:
    r = cli.run("generate-token", env={"DIRECTLINE_SECRET": "not-a-known-secret"})
    assert_error(r, EXIT["forbidden"], "DL_EFORBIDDEN", 403)


def test_01_unauthorized_is_exit_3(cli: Cli) -> None:
    add_fault(cli.emulator, "route=generate,status=401,times=1")
    r = cli.run("generate-token", env=cli.secret_env())
    assert_error(r, EXIT["unauthorized"], "DL_EUNAUTHORIZED", 401)


def test_24_unknown_conversation_is_not_found_exit_6(cli: Cli) -> None:
    r = cli.run("activities", "--conversation", "no-such-conversation", env=cli.secret_env())
    assert_error(r, EXIT["not_found"], "DL_ENOTFOUND", 404)
    r = cli.run("send", "--conversation", "no-such-conversation", "--text", "x", env=cli.secret_env())
    assert_error(r, EXIT["not_found"], "DL_ENOTFOUND", 404)


def test_13_token_of_another_conversation_is_forbidden(cli: Cli) -> None:
    a = cli.start()
    b = cli.start()
    r = cli.run("send", "--conversation", b["conversationId"], "--text", "x", "--token", a["token"])
    assert_error(r, EXIT["forbidden"], "DL_EFORBIDDEN", 403)
    assert a["token"] not in r.stderr


def test_64_throttled_is_exit_8_with_retry_after(cli: Cli) -> None:
    started = cli.start()
    add_fault(cli.emulator, "route=post-activity,status=429,retry_after=2,times=1")
    r = cli.run("send", "--conversation", started["conversationId"], "--text", "x", env=cli.secret_env())
    line = assert_error(r, EXIT["throttled"], "DL_ETHROTTLED", 429)
    assert "retry after 2 s" in line


def test_server_error_is_exit_10(cli: Cli) -> None:
    started = cli.start()
    add_fault(cli.emulator, "route=post-activity,status=500,times=1")
    r = cli.run("send", "--conversation", started["conversationId"], "--text", "x", env=cli.secret_env())
    assert_error(r, EXIT["server"], "DL_ESERVER", 500)


def test_30_bot_error_is_exit_9(cli: Cli) -> None:
    started = cli.start()
    add_fault(cli.emulator, "route=post-activity,status=502,times=1")
    r = cli.run("send", "--conversation", started["conversationId"], "--text", "x", env=cli.secret_env())
    assert_error(r, EXIT["bot"], "DL_EBOT", 502)


def test_32_unreachable_bot_is_exit_9() -> None:
    with Emulator("--bot", f"http://127.0.0.1:{free_port()}/api/messages", "--bot-timeout", "2000") as emu:
        cli = Cli(emu)
        token = cli.ok("generate-token", env=cli.secret_env())  # does not contact the bot
        r = cli.run("start-conversation", "--token", token["token"])
        if r.returncode == 0:  # the emulator may start without the bot; sending must fail then
            r = cli.run("send", "--conversation", token["conversationId"], "--text", "x",
                        "--token", token["token"])
        assert_error(r, EXIT["bot"], "DL_EBOT", 502)


def test_network_error_is_exit_11(cli: Cli) -> None:
    r = cli.run("--endpoint", f"http://127.0.0.1:{free_port()}/v3/directline", "--retries", "1",
                "generate-token", env=cli.secret_env())
    assert_error(r, EXIT["network"], "DL_ENETWORK")


def test_request_timeout_is_exit_12(cli: Cli) -> None:
    add_fault(cli.emulator, "route=generate,delay=4000,times=1")
    r = cli.run("--timeout", "1", "--retries", "1", "generate-token", env=cli.secret_env())
    assert_error(r, EXIT["timeout"], "DL_ETIMEOUT")


def test_truncated_response_is_reported_not_crashed(cli: Cli) -> None:
    add_fault(cli.emulator, "route=generate,truncate,times=5")
    r = cli.run("--retries", "1", "generate-token", env=cli.secret_env())
    assert r.returncode in (EXIT["network"], EXIT["protocol"]), r.stderr
    assert ERROR_LINE.match(r.stderr.strip().splitlines()[-1]), r.stderr


def test_10_expired_token_is_exit_5() -> None:
    with Emulator("--admin") as emu:  # own emulator: the clock moves for everyone
        cli = Cli(emu)
        started = cli.start()
        admin(emu, "/clock", {"advance_seconds": 4000})
        r = cli.run("send", "--conversation", started["conversationId"], "--text", "x",
                    "--token", started["token"])
        assert_error(r, EXIT["expired"], "DL_ETOKEN_EXPIRED", 403)
        assert "TokenExpired" in r.stderr
        r = cli.run("refresh-token", "--token", started["token"])  # item 11
        assert_error(r, EXIT["expired"], "DL_ETOKEN_EXPIRED", 403)


# ------------------------------------------------------------------ usage errors (exit 2)

def test_no_command_prints_usage_and_exit_2(cli: Cli) -> None:
    r = cli.run()
    assert r.returncode == EXIT["usage"]
    assert "usage: directline" in r.stderr


@pytest.mark.parametrize("args, fragment", [
    (("frobnicate",), "unknown command"),
    (("generate-token", "--secret", "s"), "unknown option"),
    (("send", "--text", "x"), "--conversation"),
    (("send", "--conversation", "c"), "--text"),
    (("generate-token", "--file", "x"), "does not apply"),
    (("listen", "--conversation", "c", "--max", "-1"), "--max"),
    (("--api", "2.0", "generate-token"), "--api"),
    (("upload", "--conversation", "c"), "--file"),
    (("start-conversation", "--token", "t", "--secret-file", "f"), "only one"),
    (("generate-token", "--token", "t"), "does not apply"),
    (("activities", "--conversation", "c"), "no credential"),
])
def test_usage_errors_exit_2(cli: Cli, args, fragment: str) -> None:
    r = cli.run(*args)
    assert r.returncode == EXIT["usage"], (args, r.stderr)
    assert fragment in r.stderr, r.stderr
    assert "--help" in r.stderr


@pytest.mark.parametrize("command", ["generate-token", "start-conversation", "refresh-token", "reconnect",
                                     "send", "activities", "upload", "end", "listen", "chat",
                                     "fetch-token"])
def test_help_per_subcommand(cli: Cli, command: str) -> None:
    r = cli.run(command, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: directline {command}")
    assert "--endpoint" in r.stdout
    assert cli.run("help", command).stdout == r.stdout


def test_help_command_without_topic_and_its_own_help(cli: Cli) -> None:
    top = cli.run("--help")
    assert top.returncode == 0 and top.stdout.startswith("usage: directline [options] COMMAND")
    assert "fetch-token" in top.stdout and "chat" in top.stdout
    assert cli.run("help").stdout == top.stdout
    for args in (("help", "--help"), ("help", "help")):
        r = cli.run(*args)
        assert r.returncode == 0 and r.stdout.startswith("usage: directline help [COMMAND]"), r.stderr


def test_version(cli: Cli) -> None:
    r = cli.run("--version")
    assert r.returncode == 0
    assert re.match(r"^directline \d+\.\d+\.\d+$", r.stdout.strip())


def test_insecure_http_to_remote_host_is_refused_with_a_hint(cli: Cli) -> None:
    r = cli.run("--endpoint", "http://example.invalid/v3/directline", "generate-token", env=cli.secret_env())
    assert r.returncode == EXIT["usage"], r.stderr
    assert "DL_EINSECURE" in r.stderr and "--insecure-http" in r.stderr


def test_unreadable_ca_file_is_a_local_error(cli: Cli) -> None:
    r = cli.run("--ca-file", "/nonexistent/ca.pem", "generate-token", env=cli.secret_env())
    assert r.returncode == EXIT["local"], r.stderr
    assert "cannot read CA file" in r.stderr


def test_empty_user_id_is_a_usage_error(cli: Cli) -> None:
    r = cli.run("--user-id", "", "send", "--conversation", "c", "--text", "x", env=cli.secret_env())
    assert r.returncode == EXIT["usage"] and "--user-id" in r.stderr
