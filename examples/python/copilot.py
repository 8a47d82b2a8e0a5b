"""copilot.py - talk to a Copilot Studio agent the way Web Chat does: fetch a token from the
agent's token endpoint, find its regional Direct Line endpoint, start with the greeting
event, show a streamed answer as it grows, and find the sign-in URL of an OAuth card.

    pip install directline
    python copilot.py "https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview"

The URL comes from the first argument, else DIRECTLINE_TOKEN_ENDPOINT. Against the local
emulator it is http://127.0.0.1:PORT/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview
(its echo bot greets, streams "echo: <text>" and answers "login" with an OAuth card).
Exit status 0 when the agent greeted and answered.
"""
from __future__ import annotations

import os
import sys

import directline

QUESTION = "What is Direct Line?"


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DIRECTLINE_TOKEN_ENDPOINT")
    if not url:
        print("copilot: pass the agent's token endpoint URL (or set DIRECTLINE_TOKEN_ENDPOINT)",
              file=sys.stderr)
        return 1
    try:
        with directline.Client(timeout=15) as bootstrap:
            # Agents live in one region: the global endpoint would not know the conversation.
            try:
                endpoint = bootstrap.fetch_regional_endpoint(url)
            except directline.DirectLineError as e:
                print(f"copilot: no regional endpoint ({e}); using the global one", file=sys.stderr)
                endpoint = "global"
            token = bootstrap.fetch_token(url)
        print(f"endpoint {endpoint}")

        with directline.Client(endpoint, timeout=15, stream_replies=True) as client, \
                client.start_conversation(token, locale="en-US",
                                          send_start_event=True) as conversation:
            # The greeting answers the startConversation event; our own echoes are skipped.
            for activity in conversation:
                if activity["type"] == "message" and not activity.is_own:
                    print(f"bot: {activity.get('text')}")
                    break

            sent = conversation.send_message(QUESTION)
            print(f"you: {QUESTION}")
            for update in conversation.stream_reply(sent, timeout=60):
                # Each chunk holds the whole answer so far: a UI redraws it in place.
                print(f"bot: {update.text}" if update.final else f"... {update.text}")

            sent = conversation.send_message("login")
            reply = list(conversation.stream_reply(sent, timeout=60))[-1].activity
            if reply.signin_url:
                print(f"sign in at: {reply.signin_url}")
            else:
                print(f"bot: {reply.get('text')}")
    except directline.DirectLineError as e:  # never contains the token
        print(f"copilot: {type(e).__name__} ({e.result_name}): {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
