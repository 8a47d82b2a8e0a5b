"""docs/protocol.md section 6, items 1-15: authentication and tokens (3.0)."""
from __future__ import annotations

import pytest
import requests

from helpers import HTTP_TIMEOUT, DirectLine, assert_error_response, bearer, message


def conversation_routes(dl: DirectLine, conversation_id: str):
    """(name, method, url) of every 3.0 REST route that needs credentials."""
    v3 = dl.v3
    return [
        ("generate", "POST", f"{v3}/tokens/generate"),
        ("refresh", "POST", f"{v3}/tokens/refresh"),
        ("start", "POST", f"{v3}/conversations"),
        ("reconnect", "GET", f"{v3}/conversations/{conversation_id}"),
        ("get-activities", "GET", f"{v3}/conversations/{conversation_id}/activities"),
        ("post-activity", "POST", f"{v3}/conversations/{conversation_id}/activities"),
        ("upload", "POST", f"{v3}/conversations/{conversation_id}/upload?userId=u1"),
    ]


ROUTE_NAMES = ["generate", "refresh", "start", "reconnect", "get-activities", "post-activity",
               "upload"]


def call(dl: DirectLine, route: str, conversation_id: str, headers: dict) -> requests.Response:
    for name, method, url in conversation_routes(dl, conversation_id):
        if name == route:
            body = message("hi") if route == "post-activity" else None
            if route == "upload":
                return dl.http.post(url, data=b"abc", timeout=HTTP_TIMEOUT,
                                    headers={**headers, "Content-Type": "text/plain"})
            return dl.http.request(method, url, json=body, headers=headers, timeout=HTTP_TIMEOUT)
    raise KeyError(route)


@pytest.fixture(scope="module")
def conversation(dl: DirectLine) -> dict:
    return dl.start_ok()


@pytest.mark.parametrize("route", ROUTE_NAMES)
def test_01_missing_authorization_returns_401(dl, conversation, route):
    response = call(dl, route, conversation["conversationId"], {})
    assert_error_response(response, 401)


@pytest.mark.parametrize("route", ["generate", "start", "get-activities", "post-activity"])
@pytest.mark.parametrize("value", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer  ",
                                   "test-secret-0123456789", "Token abc"])
def test_02_malformed_authorization_returns_401(dl, conversation, route, value):
    response = call(dl, route, conversation["conversationId"], {"Authorization": value})
    assert_error_response(response, 401)


@pytest.mark.parametrize("route", ROUTE_NAMES)
def test_03_unknown_secret_or_token_returns_403(dl, conversation, route):
    response = call(dl, route, conversation["conversationId"], bearer("not-a-known-secret"))
    assert_error_response(response, 403)


def test_03_forged_token_returns_403(dl, conversation):
    # A token with one character changed must fail its signature check.
    token = conversation["token"]
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    response = dl.get_activities(conversation["conversationId"], credential=forged)
    assert_error_response(response, 403)


def test_04_generate_without_body_returns_token(dl):
    response = dl.http.post(f"{dl.v3}/tokens/generate", headers=bearer(dl.secret),
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["conversationId"], str) and body["conversationId"]
    assert isinstance(body["token"], str) and body["token"]
    assert isinstance(body["expires_in"], int) and body["expires_in"] == 1800
    assert "streamUrl" not in body or body["streamUrl"] in (None, "")
    assert dl.secret not in body["token"]


def test_04_token_ttl_flag_sets_expires_in():
    from emulator import Emulator
    with Emulator("--token-ttl", "42") as emulator:
        body = DirectLine(emulator).generate_ok()
        assert body["expires_in"] == 42


def test_04_two_generates_give_distinct_conversations(dl):
    first, second = dl.generate_ok(), dl.generate_ok()
    assert first["conversationId"] != second["conversationId"]
    assert first["token"] != second["token"]


def test_05_generate_with_token_parameters_returns_200(dl):
    body = dl.generate_ok({"user": {"id": "dl_abc", "name": "Ann"},
                           "trustedOrigins": ["https://a.example"]})
    assert body["conversationId"] and body["token"]


def test_05_token_user_is_forced_on_posted_activities(dl):
    token = dl.generate_ok({"user": {"id": "dl_abc", "name": "Ann"}})["token"]
    conversation_id = dl.start_ok(token)["conversationId"]
    posted_id = dl.post_ok(conversation_id, message("hi", user="someone_else"), token)
    activities = dl.poll_until(conversation_id, lambda acts: any(a["id"] == posted_id for a in acts))
    posted = next(a for a in activities if a["id"] == posted_id)
    assert posted["from"]["id"] == "dl_abc"


def test_06_generate_keys_are_case_insensitive(dl):
    token = dl.generate_ok({"User": {"Id": "dl_x", "Name": "X"}})["token"]
    conversation_id = dl.start_ok(token)["conversationId"]
    posted_id = dl.post_ok(conversation_id, message("hi", user="other"), token)
    activities = dl.poll_until(conversation_id, lambda acts: any(a["id"] == posted_id for a in acts))
    assert next(a for a in activities if a["id"] == posted_id)["from"]["id"] == "dl_x"


def test_06_generate_with_malformed_json_body_is_a_clear_error(dl):
    response = dl.http.post(f"{dl.v3}/tokens/generate", data=b"{not json",
                            headers={**bearer(dl.secret), "Content-Type": "application/json"},
                            timeout=HTTP_TIMEOUT)
    # EMU-CHOICE in docs/protocol.md 1.5.1: lenient parse or a 400; never a 5xx.
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_error_response(response, 400)


def test_08_refresh_returns_new_token_for_same_conversation(dl):
    generated = dl.generate_ok()
    response = dl.refresh(generated["token"])
    assert response.status_code == 200, response.text
    refreshed = response.json()
    assert refreshed["conversationId"] == generated["conversationId"]
    assert isinstance(refreshed["token"], str) and refreshed["token"] != generated["token"]
    assert isinstance(refreshed["expires_in"], int) and refreshed["expires_in"] > 0


def test_09_refreshed_token_is_accepted(dl):
    started = dl.start_ok()
    conversation_id = started["conversationId"]
    refreshed = dl.refresh(started["token"]).json()["token"]
    dl.post_ok(conversation_id, message("after refresh"), refreshed)
    assert dl.get_activities(conversation_id, credential=refreshed).status_code == 200
    assert dl.reconnect(conversation_id, credential=refreshed).status_code == 200


def test_09_old_token_stays_valid_after_refresh(dl):
    # EMU-CHOICE (docs/protocol.md 1.5.2): the old token lives until its own expiry.
    started = dl.start_ok()
    assert dl.refresh(started["token"]).status_code == 200
    assert dl.get_activities(started["conversationId"], credential=started["token"]).status_code == 200


@pytest.mark.parametrize("route", ["get-activities", "post-activity", "reconnect", "start",
                                   "upload"])
def test_10_expired_token_returns_403_token_expired(cdl, route):
    started = cdl.start_ok()
    token = started["token"]
    conversation_id = started["conversationId"]
    cdl.advance_clock(started["expires_in"] + 1)
    response = call(cdl, route, conversation_id, bearer(token))
    assert_error_response(response, 403, "TokenExpired")


def test_10_expired_token_message_does_not_leak_token(cdl):
    started = cdl.start_ok()
    cdl.advance_clock(started["expires_in"] + 1)
    response = cdl.get_activities(started["conversationId"], credential=started["token"])
    assert started["token"] not in response.text
    assert cdl.secret not in response.text


def test_11_refresh_with_expired_token_returns_403(cdl):
    token = cdl.generate_ok()["token"]
    cdl.advance_clock(1801)
    assert_error_response(cdl.refresh(token), 403, "TokenExpired")


def test_12_refresh_with_secret_returns_403(dl):
    assert_error_response(dl.refresh(dl.secret), 403)


@pytest.mark.parametrize("route", ["get-activities", "post-activity", "reconnect", "upload"])
def test_13_token_of_another_conversation_returns_403(dl, route):
    token_a = dl.start_ok()["token"]
    conversation_b = dl.start_ok()["conversationId"]
    response = call(dl, route, conversation_b, bearer(token_a))
    assert_error_response(response, 403)


def test_13_token_of_another_conversation_cannot_open_its_stream(dl):
    # The stream token of A must not open B's stream either.
    a = dl.start_ok()
    b = dl.start_ok()
    forged_url = a["streamUrl"].replace(a["conversationId"], b["conversationId"])
    from websockets.exceptions import InvalidStatus
    from helpers import open_stream
    with pytest.raises(InvalidStatus) as rejected:
        open_stream(forged_url)
    assert rejected.value.response.status_code in (401, 403)


def test_14_secret_reads_any_conversation(dl):
    token = dl.generate_ok()["token"]
    conversation_id = dl.start_ok(token)["conversationId"]
    dl.post_ok(conversation_id, message("hello"), token)
    body = dl.activity_set(conversation_id)  # with the secret
    assert any(a.get("text") == "hello" for a in body["activities"])


def test_15_admin_clock_moves_token_expiry_without_waiting(cdl):
    started = cdl.start_ok()
    token, conversation_id = started["token"], started["conversationId"]
    cdl.advance_clock(started["expires_in"] - 30)
    assert cdl.get_activities(conversation_id, credential=token).status_code == 200
    cdl.advance_clock(31)
    assert_error_response(cdl.get_activities(conversation_id, credential=token), 403,
                          "TokenExpired")


def test_15_clock_advance_rejects_bad_input(cdl):
    for body in ({"advance_seconds": -5}, {"advance_seconds": "x"}, {}):
        response = cdl.admin("POST", "clock", json=body)
        assert response.status_code == 400, (body, response.status_code)
