"""Errors (items 63, 64), fault injection, bad input, slow clients, scale and the process contract."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from emulator import DEFAULT_SECRET, Emulator, emulator_binary
from helpers import (HTTP_TIMEOUT, DirectLine, assert_error_response, bearer, message,
                     next_activities, open_stream, raw_request, wait_closed)


@pytest.fixture
def fdl(dl):
    """The shared emulator's client, with every injected fault cleared after the test."""
    yield dl
    dl.clear_faults()


def error_cases(dl: DirectLine, conversation: str):
    v3 = dl.v3
    secret = bearer(dl.secret)
    return [
        ("401", 401, lambda: dl.http.post(f"{v3}/conversations", timeout=HTTP_TIMEOUT)),
        ("403", 403, lambda: dl.http.post(f"{v3}/conversations", headers=bearer("nope"),
                                          timeout=HTTP_TIMEOUT)),
        ("404", 404, lambda: dl.http.get(f"{v3}/conversations/Nope000000000/activities",
                                         headers=secret, timeout=HTTP_TIMEOUT)),
        ("400", 400, lambda: dl.http.post(f"{v3}/conversations/{conversation}/activities",
                                          data=b"{", headers=secret, timeout=HTTP_TIMEOUT)),
        ("route-404", 404, lambda: dl.http.get(f"{dl.base}/no/such/route", headers=secret,
                                               timeout=HTTP_TIMEOUT)),
        ("405", 405, lambda: dl.http.delete(f"{v3}/conversations/{conversation}/activities",
                                            headers=secret, timeout=HTTP_TIMEOUT)),
    ]


@pytest.mark.parametrize("case", ["401", "403", "404", "400", "route-404", "405"])
def test_63_every_error_carries_json_error_response(dl, case):
    conversation = dl.start_ok()["conversationId"]
    for name, status, request in error_cases(dl, conversation):
        if name == case:
            assert_error_response(request(), status)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_63_injected_errors_carry_error_response(fdl, status):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault(f"route=get-activities,status={status},times=1")
    assert_error_response(fdl.get_activities(conversation), status, "InjectedFault")
    assert fdl.get_activities(conversation).status_code == 200  # times=1


def test_64_injected_429_sends_retry_after(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=post-activity,status=429,retry_after=2,times=1")
    response = fdl.post_activity(conversation, message("throttled"))
    assert_error_response(response, 429, "InjectedFault")
    assert response.headers["Retry-After"] == "2"
    assert fdl.post_activity(conversation, message("ok now")).status_code == 200
    texts = [a.get("text") for a in fdl.all_activities(conversation)]
    assert "throttled" not in texts  # a refused POST must not be stored


def test_64_injected_429_default_retry_after_is_1(fdl):
    fdl.add_fault("route=generate,status=429,times=1")
    response = fdl.generate()
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"


def test_fault_after_and_times_count_matching_requests(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=get-activities,status=500,after=2,times=2")
    statuses = [fdl.get_activities(conversation).status_code for _ in range(6)]
    assert statuses == [200, 200, 500, 500, 200, 200]


def test_fault_only_hits_its_route(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=reconnect,status=500")
    assert fdl.get_activities(conversation).status_code == 200
    assert fdl.post_activity(conversation, message("x")).status_code == 200
    assert fdl.reconnect(conversation).status_code == 500


def test_fault_delay_delays(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=get-activities,delay=300,times=1")
    started = time.monotonic()
    assert fdl.get_activities(conversation).status_code == 200
    assert time.monotonic() - started >= 0.29


def test_fault_drop_closes_without_response(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=get-activities,drop,times=1")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{fdl.v3}/conversations/{conversation}/activities",
                     headers=bearer(fdl.secret), timeout=HTTP_TIMEOUT)


def test_fault_lose_response_handles_the_request_then_closes(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=post-activity,lose_response,times=1")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{fdl.v3}/conversations/{conversation}/activities",
                      headers=bearer(fdl.secret), timeout=HTTP_TIMEOUT,
                      json={"type": "message", "from": {"id": "u1"}, "text": "lost answer"})
    texts = [a.get("text") for a in fdl.get_activities(conversation).json()["activities"]]
    assert texts.count("lost answer") == 1          # stored once
    assert texts.count("echo: lost answer") == 1    # and the bot saw it


def test_fault_truncate_sends_half_the_body(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.bot_says(conversation, 5, "some text to make a body")
    fdl.add_fault("route=get-activities,truncate,times=1")
    status, headers, body = raw_request(
        fdl.base, (f"GET /v3/directline/conversations/{conversation}/activities HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nAuthorization: Bearer {fdl.secret}\r\n\r\n").encode())
    length = int(headers["content-length"])
    assert status == 200
    assert 0 < len(body) < length
    assert abs(len(body) - length // 2) <= 1


def test_fault_rate_is_seeded_and_partial(fdl):
    conversation = fdl.start_ok()["conversationId"]
    fdl.add_fault("route=get-activities,status=500,rate=0.5")
    statuses = [fdl.get_activities(conversation).status_code for _ in range(60)]
    failures = statuses.count(500)
    assert 10 < failures < 50, statuses
    assert set(statuses) == {200, 500}


def test_fault_ws_close_after_closes_with_1001():
    with Emulator("--admin", "--fault", "route=stream,ws_close_after=2") as emulator:
        client = DirectLine(emulator)
        started = client.start_ok()
        with open_stream(started["streamUrl"]) as ws:
            client.bot_says(started["conversationId"], 3, "m")
            assert len(next_activities(ws, 2)) == 2
            closed = wait_closed(ws)
            assert closed.rcvd is not None and closed.rcvd.code == 1001


def test_fault_flag_on_command_line_and_bot_reply_route(bot_server):
    with Emulator("--bot", bot_server.url,
                  "--fault", "route=bot-reply,status=503,times=1") as emulator:
        client = DirectLine(emulator)
        conversation = client.start_ok()["conversationId"]
        bot_server.behaviour = "reply"
        try:
            client.post_ok(conversation, message("a"))
            client.post_ok(conversation, message("b"))
        finally:
            bot_server.behaviour = "ok"
        assert [r.status_code for r in bot_server.replies[-2:]] == [503, 200]


@pytest.mark.parametrize("spec", ["", "route=nowhere,status=500", "status=abc",
                                  "route=generate", "route=generate,status=500,drop",
                                  "rate=2,status=500"])
def test_fault_bad_spec_is_rejected(fdl, spec):
    response = fdl.admin("POST", "faults", data=spec, headers={"Content-Type": "text/plain"})
    assert_error_response(response, 400)


def test_bad_fault_flag_fails_startup_with_message():
    proc = subprocess.run([emulator_binary(), "--port", "0", "--secret", "s",
                           "--fault", "route=nowhere,status=500"],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0
    assert "fault" in proc.stderr.lower()


def test_admin_routes_absent_without_admin_flag():
    with Emulator() as emulator:
        response = requests.get(f"{emulator.base_url}/admin/stats", timeout=HTTP_TIMEOUT)
        assert response.status_code == 404
        response = requests.post(f"{emulator.base_url}/admin/clock",
                                 json={"advance_seconds": 10000}, timeout=HTTP_TIMEOUT)
        assert response.status_code == 404


def test_admin_delete_faults_clears_them(fdl):
    fdl.add_fault("route=generate,status=500")
    fdl.add_fault("route=start,status=503")
    assert fdl.generate().status_code == 500
    fdl.clear_faults()
    assert fdl.generate().status_code == 200
    assert fdl.start().status_code == 201


@pytest.mark.parametrize("body", [b"{", b'{"count":-1,"text":"x"}',
                                  b'{"count":"many"}', b"[]"])
def test_admin_bot_activities_bad_body_returns_400(dl, body):
    conversation = dl.start_ok()["conversationId"]
    response = dl.admin("POST", f"conversations/{conversation}/activities", data=body,
                        headers={"Content-Type": "application/json"})
    assert_error_response(response, 400)


def test_admin_on_unknown_conversation_returns_404(dl):
    response = dl.admin("POST", "conversations/NoSuchConversation000/end")
    assert_error_response(response, 404)


def test_unknown_route_returns_404(dl):
    for path in ("/", "/v3", "/v3/directline", "/v3/directline/nothing", "/api/nothing",
                 "/v3/directline/conversations/x/y/z"):
        response = dl.http.get(dl.base + path, headers=bearer(dl.secret), timeout=HTTP_TIMEOUT)
        assert_error_response(response, 404)


@pytest.mark.parametrize("method,path", [
    ("GET", "/v3/directline/tokens/generate"),
    ("PUT", "/v3/directline/conversations"),
    ("DELETE", "/v3/directline/tokens/refresh"),
    ("PATCH", "/api/conversations"),
])
def test_wrong_method_returns_405(dl, method, path):
    response = dl.http.request(method, dl.base + path, headers=bearer(dl.secret),
                               timeout=HTTP_TIMEOUT)
    assert_error_response(response, 405)


def test_oversize_body_is_refused_and_server_survives(dl):
    conversation = dl.start_ok()["conversationId"]
    huge = b'{"type":"message","from":{"id":"u1"},"text":"' + b"z" * (8 * 1024 * 1024) + b'"}'
    try:
        response = dl.http.post(f"{dl.v3}/conversations/{conversation}/activities", data=huge,
                                headers={**bearer(dl.secret), "Content-Type": "application/json"},
                                timeout=HTTP_TIMEOUT)
        assert response.status_code in (400, 413), response.status_code
    except requests.exceptions.ConnectionError:
        pass  # closing the connection on an oversize body is acceptable
    assert dl.get_activities(conversation).status_code == 200


def test_huge_headers_are_refused_and_server_survives(dl):
    try:
        response = dl.http.get(f"{dl.v3}/session/getsessionid",
                               headers={**bearer(dl.secret), "X-Big": "h" * 100_000},
                               timeout=HTTP_TIMEOUT)
        assert 400 <= response.status_code < 500
    except requests.exceptions.ConnectionError:
        pass
    assert dl.generate().status_code == 200


def test_garbage_bytes_do_not_hurt_the_server(dl):
    with socket.create_connection(("127.0.0.1", dl.emulator.port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01\x02\x00garbage that is not http\r\n\r\n")
        raw.settimeout(5)
        try:
            raw.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
    assert dl.generate().status_code == 200


def test_half_open_slow_client_does_not_block_others(dl):
    slow = []
    try:
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", dl.emulator.port), timeout=5)
            s.sendall(b"POST /v3/directline/conversations HTTP/1.1\r\nHost: x\r\nContent-Le")
            slow.append(s)
        body = socket.create_connection(("127.0.0.1", dl.emulator.port), timeout=5)
        body.sendall(b"POST /v3/directline/conversations HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer " + dl.secret.encode() +
                     b"\r\nContent-Length: 1000\r\n\r\n{")
        slow.append(body)
        started = time.monotonic()
        for _ in range(10):
            assert dl.generate().status_code == 200
        assert time.monotonic() - started < 2.0
    finally:
        for s in slow:
            s.close()


def test_socket_that_never_reads_does_not_block_others(dl):
    stuck = dl.start_ok()
    # max_queue=1: the client stops reading its socket after one frame, so TCP buffers fill up.
    ws = open_stream(stuck["streamUrl"], max_queue=1)
    try:
        started = time.monotonic()
        dl.bot_says(stuck["conversationId"], 2000, "x" * 1000)
        other = dl.start_ok()["conversationId"]
        dl.post_ok(other, message("still served"))
        assert any(a.get("text") == "still served" for a in dl.all_activities(other))
        assert time.monotonic() - started < 5.0
    finally:
        ws.close()


def test_one_thousand_conversations(dl):
    stats_before = dl.admin_ok("GET", "stats")

    def start_and_post(index: int) -> str:
        session = requests.Session()
        response = session.post(f"{dl.v3}/conversations", headers=bearer(dl.secret),
                                timeout=HTTP_TIMEOUT)
        assert response.status_code == 201, response.text
        conversation = response.json()["conversationId"]
        if index % 10 == 0:
            posted = session.post(f"{dl.v3}/conversations/{conversation}/activities",
                                  json=message(f"n{index}"), headers=bearer(dl.secret),
                                  timeout=HTTP_TIMEOUT)
            assert posted.status_code == 200
        return conversation

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(start_and_post, range(1000)))
    elapsed = time.monotonic() - started
    assert len(set(ids)) == 1000
    stats = dl.admin_ok("GET", "stats")
    assert stats["conversations"] >= stats_before["conversations"] + 1000
    assert stats["activities"] >= stats_before["activities"] + 200  # 100 posts + 100 echoes
    assert elapsed < 30, elapsed


def test_stats_count_sockets():
    with Emulator("--admin") as emulator:
        client = DirectLine(emulator)
        started = client.start_ok()
        assert client.admin_ok("GET", "stats") == {"conversations": 1, "sockets": 0,
                                                   "activities": 0}
        with open_stream(started["streamUrl"]):
            assert client.admin_ok("GET", "stats")["sockets"] == 1
        deadline = time.monotonic() + 3
        while client.admin_ok("GET", "stats")["sockets"] != 0:
            assert time.monotonic() < deadline, "closed socket still counted"
            time.sleep(0.05)


def test_idle_evict_forgets_idle_conversations():
    with Emulator("--admin", "--idle-evict", "100") as emulator:
        client = DirectLine(emulator)
        conversation = client.start_ok()["conversationId"]
        kept = client.start_ok()["conversationId"]
        client.advance_clock(60)
        assert client.get_activities(kept).status_code == 200  # touches it
        client.advance_clock(60)
        deadline = time.monotonic() + 5
        while client.get_activities(conversation).status_code != 404:
            assert time.monotonic() < deadline, "idle conversation was not evicted"
            time.sleep(0.1)
        assert client.get_activities(kept).status_code == 200


# --- the process contract ----------------------------------------------------------------------
def test_stdout_has_only_the_listening_line_and_sigterm_exits_0():
    emulator = Emulator("--log-level", "debug")
    client = DirectLine(emulator)
    client.start_ok()
    emulator.proc.send_signal(signal.SIGTERM)
    assert emulator.proc.wait(timeout=10) == 0
    # The first line was already consumed; nothing else may follow on stdout.
    assert emulator.proc.stdout.read() == ""


def test_sigint_exits_0_with_open_socket():
    emulator = Emulator()
    client = DirectLine(emulator)
    ws = open_stream(client.start_ok()["streamUrl"])
    try:
        emulator.proc.send_signal(signal.SIGINT)
        assert emulator.proc.wait(timeout=10) == 0
    finally:
        ws.close()


def test_secrets_and_tokens_never_logged():
    secret = "very-secret-value-4242"
    emulator = Emulator("--log-level", "debug", secrets=(secret,))
    try:
        client = DirectLine(emulator)
        started = client.start_ok()
        token = started["token"]
        client.post_ok(started["conversationId"], message("hi"), token)
        client.refresh(token)
        client.get_activities(started["conversationId"], credential="bad-" + secret)
        with open_stream(started["streamUrl"]):
            pass
    finally:
        emulator.stop()
        time.sleep(0.1)
    log = "".join(emulator.stderr_lines)
    assert log, "debug logging produced nothing"
    assert secret not in log
    assert token not in log
    stream_token = started["streamUrl"].split("t=")[1].split("&")[0]
    assert stream_token not in log


def test_secret_file_and_repeated_secrets(tmp_path):
    secrets_file = tmp_path / "secrets.txt"
    secrets_file.write_text("file-secret-1\nfile-secret-2\n")
    with Emulator("--secret-file", str(secrets_file), "--secret", "flag-secret-2") as emulator:
        client = DirectLine(emulator)
        for secret in ("file-secret-1", "file-secret-2", "flag-secret-2", DEFAULT_SECRET):
            assert client.start(secret).status_code == 201, secret
        assert client.start("file-secret-3").status_code == 403


def test_no_secret_fails_startup_with_message():
    proc = subprocess.run([emulator_binary(), "--port", "0"], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode != 0
    assert "secret" in proc.stderr.lower()
    assert proc.stdout == ""


@pytest.mark.parametrize("args", [["--port", "notanumber"], ["--token-ttl", "-1"],
                                  ["--bot-timeout-status", "503"], ["--collision", "both"],
                                  ["--no-such-flag"], ["--secret-file", "/nonexistent/file"]])
def test_bad_flags_fail_startup_with_message(args):
    proc = subprocess.run([emulator_binary(), "--secret", "s", *args], capture_output=True,
                          text=True, timeout=10)
    assert proc.returncode != 0, proc.stdout
    assert proc.stderr.strip()
    assert not proc.stdout.startswith("listening")


def test_port_in_use_fails_startup():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([emulator_binary(), "--secret", "s", "--port", str(port)],
                              capture_output=True, text=True, timeout=10)
        assert proc.returncode != 0
        assert proc.stderr.strip()


def test_threads_flag_accepted_and_concurrent_requests_served():
    with Emulator("--threads", "1") as emulator:
        client = DirectLine(emulator)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: requests.post(
                f"{client.v3}/tokens/generate", headers=bearer(client.secret),
                timeout=HTTP_TIMEOUT).status_code, range(64)))
        assert statuses == [200] * 64


def test_json_responses_are_utf8_json(dl):
    response = dl.start()
    assert response.headers["Content-Type"].replace(" ", "").lower() in (
        "application/json;charset=utf-8", "application/json")
    json.loads(response.content.decode("utf-8"))
