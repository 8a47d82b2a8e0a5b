"""hello.py - the directline Python package in one page: token from a secret,
start, send "hello", print the bot's reply, then show how a failure looks
(a wrong secret).

    pip install directline        # or the wheel you built: pip install dist/directline-*.whl
    DIRECTLINE_SECRET=... DIRECTLINE_ENDPOINT=http://127.0.0.1:PORT/v3/directline python hello.py

DIRECTLINE_ENDPOINT defaults to the public service. Exit status 0 when the bot replied.
"""
from __future__ import annotations

import os
import sys

import directline


def main() -> int:
    secret = os.environ.get("DIRECTLINE_SECRET")
    if not secret:
        print("hello: set DIRECTLINE_SECRET", file=sys.stderr)
        return 1
    endpoint = os.environ.get("DIRECTLINE_ENDPOINT")  # None: the public service
    print(f"directline {directline.__version__} (library {directline.library_version()})")

    try:
        with directline.Client(endpoint, timeout=10) as client:
            # A token is what a browser or device should hold; the secret stays here.
            token = client.generate_token(secret, user_id="dl_user1")
            with client.start_conversation(token) as conversation:
                print(f"conversation {conversation.id}")
                sent = conversation.send_message("hello", user_id="dl_user1")
                # Our own message comes back too (and "typing"): wait for the reply to ours.
                while True:
                    activity = conversation.next_activity(timeout=15)
                    if activity is None:
                        print("hello: no reply within 15 s", file=sys.stderr)
                        return 1
                    if activity.get("type") == "message" and activity.get("replyToId") == sent:
                        print(f"bot: {activity.get('text')}")
                        break
    except directline.DirectLineError as e:  # the message never contains a secret or token
        print(f"hello: {type(e).__name__}: {e}", file=sys.stderr)
        return 1

    # Errors are DirectLineError subclasses with the HTTP status and the service's code.
    try:
        with directline.Client(endpoint, timeout=10) as client:
            client.generate_token("not-the-secret")
        print("hello: a wrong secret was accepted", file=sys.stderr)
        return 1
    except directline.DirectLineError as e:
        print(f"wrong secret rejected: {type(e).__name__} (HTTP {e.http_status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
