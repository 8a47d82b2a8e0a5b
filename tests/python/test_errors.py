"""Each failure raises the right DirectLineError subclass with its fields, and
no secret or token ever appears in an exception."""
from __future__ import annotations

import pickle
import socket
from typing import Any

import pytest

import directline
from conftest import SECRET, add_fault, admin, bot_says
from support.emulator import Emulator


def no_retry(emulator: Emulator, **options: Any) -> directline.Client:
    return directline.Client(emulator.v3, retry_attempts=1, timeout=5, **options)


def assert_redacted(error: BaseException, *secrets: str) -> None:
    for text in (str(error), repr(error), error.args[0]):
        for s in secrets:
            assert s not in text


def test_03_unknown_secret_is_forbidden(client: directline.Client) -> None:
    with pytest.raises(directline.ForbiddenError) as info:
        client.generate_token("not-the-secret-9f8e7d")
    e = info.value
    assert e.http_status == 403 and e.code == -3 and not isinstance(e, directline.TokenExpiredError)
    assert_redacted(e, "not-the-secret-9f8e7d")


def test_01_unauthorized(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,status=401,times=1")
    with no_retry(emulator) as c, pytest.raises(directline.UnauthorizedError) as info:
        c.generate_token(SECRET)
    assert info.value.http_status == 401 and info.value.service_code == "InjectedFault"
    assert_redacted(info.value, SECRET)


def test_24_unknown_conversation_is_not_found(client: directline.Client) -> None:
    with client.open_conversation(SECRET, "NoSuchConversation0000") as conversation:
        with pytest.raises(directline.NotFoundError) as info:
            conversation.get_activities()
    assert info.value.http_status == 404


def test_conflict(emulator: Emulator) -> None:
    add_fault(emulator, "route=start,status=409,times=1")
    with no_retry(emulator) as c, pytest.raises(directline.ConflictError) as info:
        c.start_conversation(SECRET)
    assert info.value.http_status == 409


def test_64_throttled_carries_retry_after() -> None:
    with Emulator("--fault", "route=generate,status=429,retry_after=7,times=1") as emu, \
            no_retry(emu) as c:
        with pytest.raises(directline.ThrottledError) as info:
            c.generate_token(SECRET)
        assert info.value.http_status == 429 and info.value.retry_after == 7
        assert "retry after 7 s" in str(info.value)
        assert c.generate_token(SECRET).token  # times=1: the next call passes


def test_64_throttled_is_retried_after_waiting(client: directline.Client,
                                               emulator: Emulator) -> None:
    import time
    add_fault(emulator, "route=generate,status=429,retry_after=1,times=1")
    started = time.monotonic()
    assert client.generate_token(SECRET).token
    assert time.monotonic() - started >= 0.95


def test_30_bot_error_502(client: directline.Client, emulator: Emulator) -> None:
    with client.start_conversation(SECRET) as conversation:
        add_fault(emulator, "route=post-activity,status=502,times=1")
        with pytest.raises(directline.BotError) as info:
            conversation.send_message("x", user_id="u1")
        assert info.value.http_status == 502


def test_server_error_500_on_post_is_not_retried(client: directline.Client,
                                                 emulator: Emulator) -> None:
    with client.start_conversation(SECRET) as conversation:
        add_fault(emulator, "route=post-activity,status=500,times=1")
        with pytest.raises(directline.ServerError) as info:
            conversation.send_message("once", user_id="u1")
        assert info.value.http_status == 500
        texts = [a.get("text") for a in conversation.get_activities()["activities"]]
        assert "once" not in texts  # the failed POST was not sent again behind our back


def test_bad_request(client: directline.Client, emulator: Emulator) -> None:
    with client.start_conversation(SECRET) as conversation:
        add_fault(emulator, "route=post-activity,status=400,times=1")
        with pytest.raises(directline.BadRequestError) as info:
            conversation.send_message("x", user_id="u1")
        assert info.value.http_status == 400


def test_10_token_expired() -> None:
    with Emulator("--admin") as emu, directline.Client(emu.v3, retry_attempts=1,
                                                         auto_refresh=False) as c:
        token = c.generate_token(SECRET)
        with c.start_conversation(token) as conversation:
            admin(emu, "POST", "/admin/clock", {"advance_seconds": 3600})
            with pytest.raises(directline.TokenExpiredError) as info:
                conversation.send_message("late", user_id="u1")
            e = info.value
            assert isinstance(e, directline.ForbiddenError)
            assert e.http_status == 403 and e.service_code == "TokenExpired" and e.code == -4
            assert_redacted(e, token.token, conversation.token or "?", SECRET)
            with pytest.raises(directline.TokenExpiredError):  # 11
                c.refresh_token(token)


def test_network_error_on_closed_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with directline.Client(f"http://127.0.0.1:{port}/v3/directline", retry_attempts=1,
                           connect_timeout=2) as c:
        with pytest.raises(directline.NetworkError) as info:
            c.generate_token(SECRET)
    assert isinstance(info.value, ConnectionError)
    assert_redacted(info.value, SECRET)


def test_dropped_connection_is_network_error(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,drop")
    with no_retry(emulator) as c, pytest.raises(directline.NetworkError):
        c.generate_token(SECRET)


def test_truncated_body_is_protocol_or_network_error(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,truncate")
    with no_retry(emulator) as c, pytest.raises((directline.ProtocolError,
                                                 directline.NetworkError)):
        c.generate_token(SECRET)


def test_request_timeout(emulator: Emulator) -> None:
    add_fault(emulator, "route=generate,delay=3000,times=1")
    with directline.Client(emulator.v3, retry_attempts=1, timeout=0.5) as c:
        with pytest.raises(directline.DirectLineTimeoutError) as info:
            c.generate_token(SECRET)
    assert isinstance(info.value, TimeoutError)


def test_tls_error_against_plain_server(emulator: Emulator) -> None:
    endpoint = emulator.v3.replace("http://", "https://")
    with directline.Client(endpoint, retry_attempts=1, timeout=3) as c:
        with pytest.raises(directline.TLSError):
            c.generate_token(SECRET)


def test_insecure_http_to_remote_host_is_refused() -> None:
    with pytest.raises(directline.InsecureTransportError):
        directline.Client("http://example.invalid/v3/directline")


def test_67_post_after_bot_end(client: directline.Client, emulator: Emulator) -> None:
    with client.start_conversation(SECRET) as conversation:
        admin(emulator, "POST", f"/admin/conversations/{conversation.id}/end")
        got = [a["type"] for a in conversation]
        assert got[-1] == "endOfConversation" and conversation.ended
        with pytest.raises((directline.ConversationEndedError, directline.ForbiddenError)):
            conversation.send_message("too late", user_id="u1")
        assert conversation.get_activities()["activities"]  # GET keeps working


def test_receive_error_surfaces_from_next_activity() -> None:
    with Emulator("--admin") as emu, directline.Client(
            emu.v3, retry_attempts=1, auto_refresh=False, receive_mode="polling",
            polling_interval=0.1) as c:
        token = c.generate_token(SECRET)
        with c.start_conversation(token) as conversation:
            bot_says(emu, conversation.id, {"count": 1, "text": "first"})
            assert conversation.next_activity(timeout=5) is not None
            admin(emu, "POST", "/admin/clock", {"advance_seconds": 3600})
            with pytest.raises(directline.TokenExpiredError):
                for _ in range(100):
                    conversation.next_activity(timeout=0.2)


@pytest.mark.parametrize("bad", [
    lambda c: c.generate_token(""),
    lambda c: c.generate_token("sec\x00ret"),
    lambda c: c.generate_token(123),
    lambda c: c.generate_token(SECRET, trusted_origins="https://a.example"),
    lambda c: c.start_conversation(None),
    lambda c: c.open_conversation(SECRET, ""),
    lambda c: c.resume_conversation("{not json"),
    lambda c: c.resume_conversation(["a list"]),
])
def test_invalid_arguments(client: directline.Client, bad: Any) -> None:
    with pytest.raises(directline.InvalidArgumentError) as info:
        bad(client)
    assert isinstance(info.value, ValueError)
    assert "sec\x00ret" not in str(info.value)


def test_invalid_activity_arguments(client: directline.Client) -> None:
    with client.start_conversation(SECRET) as conversation:
        for bad in ({"type": "message", "x": object()}, {"type": "message", "v": float("nan")},
                    "not a dict", ["type"]):
            with pytest.raises(directline.InvalidArgumentError):
                conversation.post_activity(bad)  # type: ignore[arg-type]
        with pytest.raises(directline.InvalidArgumentError):
            conversation.send_message("hi", user_id="")
        with pytest.raises(directline.InvalidArgumentError):
            conversation.upload([], user_id="u1")
        with pytest.raises(directline.InvalidArgumentError):
            conversation.upload(["/no/such/file"], user_id="u1")
        for bad_file in (("a\r\nX-Injected: 1", b"x"), ("a.txt", b"x", "text/plain\r\nX: 1"),
                         ("a.txt", "not bytes"), 42):
            with pytest.raises(directline.InvalidArgumentError):
                conversation.upload([bad_file], user_id="u1")  # type: ignore[list-item]
        for bad_timeout in (-1, float("nan"), "1", True):
            with pytest.raises(directline.InvalidArgumentError):
                conversation.next_activity(timeout=bad_timeout)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [
    {"api_version": "2.0"}, {"receive_mode": "push"}, {"timeout": 0}, {"timeout": "5"},
    {"polling_interval": -1}, {"retry_attempts": 0}, {"ca_file": "/no/such/ca.pem"},
    {"endpoint": "not a url"},
])
def test_invalid_client_options(kwargs: Any) -> None:
    with pytest.raises(directline.InvalidArgumentError):
        directline.Client(**{"endpoint": "http://127.0.0.1:1/v3/directline", **kwargs})


def test_closed_client_raises(emulator: Emulator) -> None:
    c = directline.Client(emulator.v3)
    c.close()
    c.close()
    with pytest.raises(directline.InvalidArgumentError):
        c.generate_token(SECRET)


def test_exceptions_pickle_and_map_every_code() -> None:
    e = directline.ThrottledError("slow down", code=-7, http_status=429, service_code="X",
                                  retry_after=3)
    copy = pickle.loads(pickle.dumps(e))
    assert type(copy) is directline.ThrottledError
    assert (copy.code, copy.http_status, copy.service_code, copy.retry_after) == (-7, 429, "X", 3)
    classes = {directline.error_class(code) for code in range(-1, -20, -1)}
    assert len(classes) == 19 and directline.DirectLineError not in classes
    assert directline.error_class(-999) is directline.DirectLineError
