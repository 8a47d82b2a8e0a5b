#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ (committed; rerun after changing this file).

Small typical inputs of each parser plus the hostile ones that matter: nesting
100,000 levels deep (~200 KB, the depth that used to crash the client), inputs
just at and past the limit of 64, and large but shallow ones (~200 KB).
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
DEEP = 100_000
LIMIT = 64


def nested(levels, inner="1"):
    return "[" * levels + inner + "]" * levels


def objects(levels, inner="1"):
    return '{"a":' * levels + inner + "}" * levels


def activity(i, **extra):
    a = {"type": "message", "id": "c1|%07d" % i, "timestamp": "2024-01-01T00:00:00Z",
         "from": {"id": "bot", "name": "Bot"}, "text": "hello %d" % i}
    a.update(extra)
    return a


CARD = {"contentType": "application/vnd.microsoft.card.adaptive",
        "content": {"type": "AdaptiveCard", "body": [{"type": "Container", "items": [
            {"type": "ColumnSet", "columns": [{"type": "Column", "items": [{"type": "TextBlock", "text": "x"}]}]}]}]}}


def seeds():
    big_set = json.dumps({"activities": [activity(i) for i in range(1450)], "watermark": "1450"})
    yield "activity_set", {
        "v3-basic": "\x00" + json.dumps({"activities": [activity(1), activity(2, type="typing")], "watermark": "2"}),
        "v3-card": "\x00" + json.dumps({"activities": [activity(3, attachments=[CARD], channelData={"k": [1, {"z": None}]})],
                                        "watermark": "3"}),
        "v3-null-watermark": "\x00" + '{"activities":[],"watermark":null}',
        "v3-number-watermark": "\x00" + '{"activities":[{"type":"event","id":"x","name":"n"}],"watermark":17}',
        "v3-activities-object": "\x00" + '{"activities":{},"watermark":"1"}',
        "v3-stream-frame": "\x00" + json.dumps({"activities": [activity(4, streamType="streaming", streamId="s1",
                                                                         streamSequence=1)], "watermark": "4"}),
        "v3-end": "\x00" + json.dumps({"activities": [activity(5, type="endOfConversation")], "watermark": "5"}),
        "v3-streaminfo": "\x00" + json.dumps({"activities": [activity(6, type="typing", entities=[
            {"type": "streaminfo", "streamId": "c1|5", "streamType": "streaming", "streamSequence": "2"}])],
            "watermark": "6"}),
        "v3-signin": "\x00" + json.dumps({"activities": [activity(7, attachments=[
            {"contentType": "application/vnd.microsoft.card.oauth",
             "content": {"buttons": [{"type": "signin", "value": "https://login/x?state=1"}]}}])], "watermark": "7"}),
        "v1-messages": "\x01" + '{"messages":[{"id":"c1|1","from":"bot","text":"hi","images":[],"attachments":[]}],"watermark":"1"}',
        "v3-at-limit": "\x00" + '{"activities":[' + objects(LIMIT - 2) + '],"watermark":"1"}',
        "v3-past-limit": "\x00" + '{"activities":[' + objects(LIMIT - 1) + '],"watermark":"1"}',
        "v3-deep-100k": "\x00" + '{"activities":[{"type":"message","id":"c1|1","channelData":' + nested(DEEP) + '}],"watermark":"1"}',
        "v3-large-200k": "\x00" + big_set,
    }
    yield "agent", {
        "token": 'https://h.environment.api.powerplatform.com/powervirtualagents/botsbyschema/s/directline/token?api-version=2022-03-01-preview\n'
                 '{"token":"tok.abc","expires_in":3600,"conversationId":"c1"}',
        "settings": 'http://127.0.0.1:5000/powervirtualagents/botsbyschema/s/directline/token\n'
                    '{"channelUrlsById":{"directline":"https://europe.directline.botframework.com/"},"geo":"europe"}',
        "region": "europe\n{}",
        "bad-settings": 'ftp://x\n{"channelUrlsById":{"directline":"https://h/?x=1"}}',
        "deep-100k": 'https://[::1]:8443/t?api-version=\n{"token":"t","x":' + nested(DEEP) + "}",
    }
    conv = {"conversationId": "c1", "token": "tok.abc", "expires_in": 1800,
            "streamUrl": "wss://h/v3/directline/conversations/c1/stream?watermark=-&t=st.x", "referenceGrammarId": "g"}
    yield "conversation", {
        "start": json.dumps(conv),
        "bare": '{"conversationId":"c2"}',
        "v1-token": '"RCurR_XV9ZA.cwA.BKA"',
        "resource": '{"id":"c1|0000001"}',
        "negative-expiry": '{"conversationId":"c","expires_in":-5,"token":""}',
        "huge-expiry": '{"conversationId":"c","expires_in":99999999999999999999}',
        "deep-100k": '{"conversationId":"c","token":"t","x":' + nested(DEEP) + "}",
    }
    yield "error_response", {
        "v3": '\x93 5\n{"error":{"code":"TokenExpired","message":"Token expired"}}',
        "v1": '\x00Sun, 06 Nov 1994 08:49:37 GMT\n{"error":{"code":"NotFound","message":"gone","statusCode":404}}',
        "html": "\x02\n<html><body>502 Bad Gateway</body></html>",
        "echo": '\x00 1\n{"error":{"code":"BadArgument","message":"Bearer abc.def t=xyz k3y ?t=st.x&x=1 \\"token\\":\\"v\\""}}',
        "deep-100k": '\x00\n{"error":{"code":"c","message":"m","x":' + nested(DEEP) + "}}",
        "large-200k": '\x00\n{"error":{"code":"c","message":"' + ("?t=a " * 40000) + '"}}',
    }
    yield "retry_after", {
        "seconds": "120", "spaces": " 7 ", "huge": "99999999999999999999", "negative": "-1",
        "date": "Sun, 06 Nov 1994 08:49:37 GMT", "bad-date": "Sun, 32 Foo 1994 25:61:61 GMT", "empty": "",
    }
    state = {"stateVersion": 1, "conversationId": "c1", "token": "tok", "watermark": "7",
             "endpoint": "http://127.0.0.1:5000/v3/directline", "apiVersion": "3.0", "expiresIn": 1800,
             "deliveredIds": ["c1|8", "c1|9"]}
    yield "state", {
        "v3": json.dumps(state),
        "v1": json.dumps(dict(state, apiVersion="1.1", token=None, watermark=None, deliveredIds=[])),
        "future-version": json.dumps(dict(state, stateVersion=2)),
        "many-ids": json.dumps(dict(state, deliveredIds=["c1|%d" % i for i in range(10001)])),
        "deep-100k": json.dumps(state)[:-1] + ',"x":' + nested(DEEP) + "}",
    }
    yield "outgoing", {
        "message": 'photo.png\n{"type":"message","from":{"id":"u"},"text":"hi","attachments":[{"contentUrl":"http://x/a.png","contentType":"image/png"}]}',
        "event": 'a"b\\c\r\nX: y\n{"type":"event","name":"e","from":{"id":"u"},"channelData":{"clientActivityID":"1"}}',
        "no-from": 'f\n{"type":"message"}',
        "deep-100k": 'f\n{"type":"message","from":{"id":"u"},"channelData":' + nested(DEEP) + "}",
    }
    yield "url", {
        "https": "https://directline.botframework.com/v3/directline/\nc1|2\n7",
        "loopback": "http://127.0.0.1:5000/v3/directline\nconv id\n",
        "ipv6": "http://[::1]:8080/api\nc\n1",
        "userinfo": "http://user:pass@h/\n\n",
        "query": "https://h/x?y=1#z\nid\nw",
        "ws": "wss://h/v3/directline/conversations/c/stream?t=abc\n..\n/",
        "port": "http://h:65536/\n\n",
        "bad-host": 'http://1]27.ctline":"`ttameps://0m/\n\n',  # found by fuzzing (agent target)
    }
    yield "redact", {
        "header": "k3y\nAuthorization: Bearer k3y\r\nHost: x",
        "url": "SENTINEL9\nwss://h/stream?t=SENTINEL9&watermark=3 and t=SENTINEL9.",
        "json": 's3cr3t\n{"token":"s3cr3t","secret" : "x\\"y","t":"s3cr3t"}',
        "large-200k": "abc1\n" + ("abc1 fabc1 ?t=abc1& Bearer abc1 " * 6500),
    }
    yield "json_limits", {
        "object": '{"a":[1,2,{"b":"[[[["}],"c":"\\"{"}',
        "at-limit": nested(LIMIT),
        "past-limit": nested(LIMIT + 1),
        "unbalanced": "]]]]" + nested(3),
        # Found by fuzzing: nlohmann stopped at a NUL byte and ignored the rest;
        # a duplicate key drops a deeper value (the scan may count more, never less).
        "nul-inside": '":[b"\x00' + nested(70),
        "duplicate-key": '{"a":[1,{"b,2":"[[[["}],"a":"\\"{"}',
        "deep-100k": nested(DEEP),
        "deep-objects-100k": objects(DEEP // 3),
    }
    yield "delivery_buffer", {
        "replay": bytes([1, 3, 5, 6, 7, 12, 0, 5, 1, 2, 5, 6, 7, 0, 8]).decode("latin-1"),
        "backwards": bytes([1, 2, 5, 6, 50, 1, 1, 9, 20, 0, 8, 3, 3, 9, 10, 11, 200]).decode("latin-1"),
        "end": bytes([3, 3, 17, 18, 19, 40, 0, 8, 1, 1, 20, 41]).decode("latin-1"),
    }


def main():
    for target, inputs in seeds():
        folder = os.path.join(HERE, "corpus", target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for name, data in inputs.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data.encode("latin-1") if all(ord(c) < 256 for c in data) else data.encode())


if __name__ == "__main__":
    main()
