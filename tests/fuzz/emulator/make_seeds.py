#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ (run from anywhere; files are rewritten).

Seeds cover every route and body kind, plus deep (100,000 levels, 200 KB) and large inputs, so
the fuzzer starts from what a hostile client, bot or admin could send."""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONV = "fuzz-conversation"
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 70 + "1" + "}" * 70


def request(method: str, target: str, body: str | bytes = b"", headers: dict | None = None,
            host: bytes = b"127.0.0.1:8080") -> bytes:
    body = body.encode() if isinstance(body, str) else body
    lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: " + host]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}".encode())
    lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def auth(extra: dict | None = None) -> dict:
    headers = {"Authorization": "Bearer s", "Content-Type": "application/json"}
    headers.update(extra or {})
    return headers


def activity(**fields) -> str:
    base = {"type": "message", "from": {"id": "u1"}, "text": "hi"}
    base.update(fields)
    return json.dumps(base)


def multipart_body(boundary: str, activity_type: str, file_data: bytes) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"activity\"\r\n"
            f"Content-Type: {activity_type}\r\n\r\n".encode() + activity(text="up").encode() +
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\n".encode() + file_data +
            f"\r\n--{boundary}--\r\n".encode())


def request_seeds() -> dict[str, bytes]:
    v3 = "/v3/directline"
    act = f"{v3}/conversations/{CONV}/activities"
    mp = multipart_body("XyZ", "application/vnd.microsoft.activity", b"\x89PNG\r\n" + bytes(range(256)))
    seeds = {
        "generate": request("POST", f"{v3}/tokens/generate", '{"user":{"id":"dl_u","name":"U"}}', auth()),
        "refresh": request("POST", f"{v3}/tokens/refresh", "", auth()),
        "start": request("POST", f"{v3}/conversations", '{"User":{"Id":"dl_u"},"locale":"fr-FR"}', auth()),
        "reconnect": request("GET", f"{v3}/conversations/{CONV}?watermark=0", "", auth()),
        "get": request("GET", f"{act}?watermark=-", "", auth()),
        "post": request("POST", act, activity(channelData={"clientActivityID": "x1"}), auth()),
        "typing": request("POST", act, activity(type="typing"), auth()),
        "greet": request("POST", act, activity(type="event", name="startConversation", locale="fr-FR"), auth()),
        "stream": request("POST", act, activity(text="a b c d", deliveryMode="stream"), auth()),
        "login": request("POST", act, activity(text="login"), auth()),
        "end": request("POST", act, activity(type="endOfConversation"), auth()),
        "upload": request("POST", f"{v3}/conversations/{CONV}/upload?userId=u1", mp,
                          auth({"Content-Type": "multipart/form-data; boundary=XyZ"})),
        "upload_raw": request("POST", f"{v3}/conversations/{CONV}/upload?userId=u1", b"hello",
                              auth({"Content-Type": "text/plain",
                                    "Content-Disposition": 'attachment; filename="a.txt"'})),
        "session": request("GET", f"{v3}/session/getsessionid", "", auth()),
        "stream_handshake": request("GET", f"{v3}/conversations/{CONV}/stream?watermark=0&t=abc.def", "",
                                    {"Connection": "Upgrade", "Upgrade": "websocket"}),
        "v1_token": request("POST", "/api/tokens/conversation", "", auth()),
        "v1_start": request("POST", "/api/conversations", "", {"Authorization": "BotConnector s"}),
        "v1_get": request("GET", f"/api/conversations/{CONV}/messages?watermark=1", "", auth()),
        "v1_post": request("POST", f"/api/conversations/{CONV}/messages",
                           '{"text":"hi","from":"u1","images":["http://x/a.png"],'
                           '"attachments":[{"url":"http://x/b","contentType":"text/plain"}]}', auth()),
        "v1_upload": request("POST", f"/api/conversations/{CONV}/upload?userId=u1",
                             multipart_body("b", "application/vnd.microsoft.bot.message", b"x"),
                             auth({"Content-Type": "multipart/form-data; boundary=b"})),
        "bot_post": request("POST", f"/v3/conversations/{CONV}/activities",
                            activity(**{"from": {"id": "bot"}, "text": "reply"}), {}),
        "bot_reply": request("POST", f"//v3/conversations/{CONV}/activities/{CONV}%7C0000001",
                             activity(text="r"), {}),
        "bot_update": request("PUT", f"/v3/conversations/{CONV}/activities/x", activity(), {}),
        "bot_delete": request("DELETE", f"/v3/conversations/{CONV}/activities/x", "", {}),
        "bot_members": request("GET", f"/v3/conversations/{CONV}/members", "", {}),
        "admin_fault": request("POST", "/admin/faults", "route=get-activities,status=429,retry_after=2,times=1"),
        "admin_clock": request("POST", "/admin/clock", '{"advance_seconds":100000}'),
        "admin_bot": request("POST", f"/admin/conversations/{CONV}/activities", '{"count":3,"text":"m"}'),
        "admin_end": request("POST", f"/admin/conversations/{CONV}/end"),
        "admin_drop": request("POST", f"/admin/conversations/{CONV}/drop-stream"),
        "admin_stats": request("GET", "/admin/stats"),
        "agent_token": request("GET", "/powervirtualagents/botsbyschema/emulator.agent/directline/token"
                                      "?api-version=2022-03-01-preview"),
        "agent_unknown": request("GET", "/powervirtualagents/botsbyschema/nope/directline/token?api-version=1"),
        "agent_settings": request("GET", "/powervirtualagents/regionalchannelsettings?api-version=1",
                                  host=b"proxy.example:8443"),
        "signin": request("GET", "/signin?conversationId=c&state=s"),
        "hostile_host": request("POST", f"{v3}/conversations", "", auth(), host=b"a\tb\xff"),
        "deep_post": request("POST", act, '{"type":"message","channelData":' + DEEP + "}", auth()),
        "deep_bot": request("POST", f"/v3/conversations/{CONV}/activities", DEEP, {}),
        "large_post": request("POST", act, activity(text="x" * 250_000), auth()),
        "chunked": (f"POST {act} HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer s\r\n"
                    f"Transfer-Encoding: chunked\r\n\r\n5\r\n{{\"typ\r\n0\r\n\r\n").encode(),
    }
    seeds["pipelined"] = seeds["start"] + seeds["post"] + seeds["get"] + seeds["admin_end"] + seeds["bot_post"]
    seeds["fault_then_get"] = seeds["admin_fault"] + seeds["get"] + seeds["get"]
    return seeds


def json_seeds() -> dict[str, bytes]:
    return {
        "activity": activity(attachments=[{"contentType": "application/vnd.microsoft.card.adaptive",
                                           "content": {"type": "AdaptiveCard", "body": [{"type": "TextBlock"}]}}]).encode(),
        "escapes": b'{"text":"\\u00e9\\ud83d\\ude00\\n\\"q\\"","n":-1.5e300,"b":[true,false,null]}',
        "deep_array": DEEP.encode(),
        "deep_object": DEEP_OBJECT.encode(),
        "depth_64": ("[" * 64 + "]" * 64).encode(),
        "depth_65": ("[" * 65 + "]" * 65).encode(),
        "large": json.dumps({"text": "y" * 200_000, "list": list(range(2000))}).encode(),
        "bad_utf8": b'{"text":"\xff\xfe"}',
        "brackets_in_strings": ('{"s":"' + "[" * 1000 + '"}').encode(),
    }


def multipart_seeds() -> dict[str, bytes]:
    return {
        "two_parts": b"multipart/form-data; boundary=XyZ\n" + multipart_body("XyZ", "application/vnd.microsoft.activity", b"data"),
        "quoted": b'multipart/form-data; boundary="a;b"\n--a;b\r\nContent-Disposition: form-data; name=file; filename="x\\"y"\r\n\r\nz\r\n--a;b--',
        "no_type": b"Multipart/Mixed;boundary=q\n--q\r\nContent-Disposition: name=f\r\n\r\n\r\n--q--",
        "large": b"multipart/form-data; boundary=L\n--L\r\nContent-Type: application/octet-stream\r\n\r\n" + b"\0" * 200_000 + b"\r\n--L--",
        "many": b"multipart/form-data; boundary=m\n" + b"".join(b"--m\r\nA: b\r\n\r\nx\r\n" for _ in range(70)) + b"--m--",
    }


def router_seeds() -> dict[str, bytes]:
    targets = [
        "/v3/directline/tokens/generate", f"/v3/directline/conversations/{CONV}?watermark=12",
        f"/v3/directline/conversations/{CONV}/activities?watermark=-&x=%41%2&y=a+b",
        f"/v3/directline/conversations/{CONV}/stream?t=a.b&watermark=99999999999999999999",
        "/api/tokens/x%2Fy/renew", "//api//conversations//c//messages", "/attachments/id/na%20me",
        "/powervirtualagents/botsbyschema/cr1_x/directline/token?api-version=1", "/admin/stats",
        "/v3/conversations/c/activities/a/members", "/signin?state=%00", "/no/such/%zz",
    ]
    return {f"t{i}": bytes([i]) + t.encode() for i, t in enumerate(targets)} | {
        "long": b"\x01/" + b"a/" * 50_000}


def host_seeds() -> dict[str, bytes]:
    hosts = [b"localhost", b"proxy.example:8443", b"[::1]:9000", b"[fe80::1%eth0]", b"a\tb",
             b"h\xffst", b" spaced.example ", b"user@evil", b"x:99999", b":80", b"[::1]x",
             b"a" * 300]
    return {f"h{i}": bytes([i % 2]) + h for i, h in enumerate(hosts)}


def fault_seeds() -> dict[str, bytes]:
    specs = ["route=get-activities,status=500,times=3", "route=post-activity,status=429,retry_after=2,times=1",
             "route=stream,ws_close_after=5", "drop,rate=0.5", "route=upload,truncate,after=2",
             "lose_response,route=agent-token", "delay=600000", "status=100,rate=1e-3",
             "route=any,status=599,times=9223372036854775807", ",,, status = 404 ,", "rate=nan,drop"]
    return {f"s{i}": s.encode() for i, s in enumerate(specs)}


def token_seeds() -> dict[str, bytes]:
    return {"b64": b"YWJj", "b64_2": b"YQ", "b64_3": b"YWI", "bad_tail": b"YR",
            "token_like": b"Yzk6Y29udjo.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "claims": b"conversation\nuser\nname with\x00bytes", "large": b"A" * 200_000}


def main() -> None:
    for target, seeds in (("emulator_request", request_seeds()), ("emulator_json_body", json_seeds()),
                          ("emulator_multipart", multipart_seeds()), ("emulator_router", router_seeds()),
                          ("emulator_host", host_seeds()), ("emulator_fault_spec", fault_seeds()),
                          ("emulator_tokens", token_seeds())):
        folder = HERE / "corpus" / target
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, data in seeds.items():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
