"""Python side of the peer benchmark (bench/peers): our `directline` package and a
thin hand-written client on `requests.Session` (what small Python Direct Line
clients do). One workload per run; prints one JSON line for report.py.

usage: bench_py.py directline|requests ENDPOINT SECRET tokens|echo N [--poll-interval S]

Every echo round trip checks the reply text, the sender ("bot") and replyToId;
a mismatch or a timeout counts as a failure.
"""
import argparse
import json
import sys
import time

ECHO_TIMEOUT_S = 10.0
USER_ID = "user1"


def result(client, workload, latencies, failures, elapsed, post_latencies=None):
    summary = {"client": client, "workload": workload, "ops": len(latencies),
               "failures": failures, "elapsed_s": elapsed,
               "latencies_us": [round(x * 1e6, 1) for x in latencies]}
    if post_latencies:
        summary["post_latencies_us"] = [round(x * 1e6, 1) for x in post_latencies]
    print(json.dumps(summary), flush=True)


def bench_directline(args):
    import directline  # the package under test (bindings/python)

    client = directline.Client(args.endpoint, receive_mode="auto")
    latencies, post_latencies, failures = [], [], 0
    start = time.perf_counter()
    if args.workload == "tokens":
        for _ in range(args.count):
            t0 = time.perf_counter()
            try:
                if not client.generate_token(args.secret).token:
                    failures += 1
            except directline.DirectLineError as error:
                print(f"bench_py: generate_token failed: {error}", file=sys.stderr)
                failures += 1
            latencies.append(time.perf_counter() - t0)
    else:
        with client.start_conversation(args.secret) as conversation:
            for i in range(args.count):
                text = f"py-msg {i}"
                t0 = time.perf_counter()
                if not directline_round_trip(directline, conversation, text, post_latencies):
                    failures += 1
                latencies.append(time.perf_counter() - t0)
    result("directline Python", args.workload, latencies, failures, time.perf_counter() - start,
           post_latencies)
    client.close()


def directline_round_trip(directline, conversation, text, post_latencies):
    try:
        t0 = time.perf_counter()
        posted_id = conversation.send_message(text, user_id=USER_ID)
        post_latencies.append(time.perf_counter() - t0)
        deadline = time.monotonic() + ECHO_TIMEOUT_S
        while True:
            activity = conversation.next_activity(timeout=max(0.0, deadline - time.monotonic()))
            if activity is None:
                print(f"bench_py: no echo for {text!r}", file=sys.stderr)
                return False
            if activity.get("type") == "message" and activity.get("from", {}).get("id") == "bot":
                ok = activity.get("text") == f"echo: {text}" and activity.get("replyToId") == posted_id
                if not ok:
                    print(f"bench_py: wrong echo for {text!r}: {activity}", file=sys.stderr)
                return ok
    except directline.DirectLineError as error:
        print(f"bench_py: round trip failed: {error}", file=sys.stderr)
        return False


def bench_requests(args):
    import requests

    session = requests.Session()
    auth = {"Authorization": f"Bearer {args.secret}"}
    latencies, post_latencies, failures = [], [], 0
    start = time.perf_counter()
    if args.workload == "tokens":
        for _ in range(args.count):
            t0 = time.perf_counter()
            response = session.post(f"{args.endpoint}/tokens/generate", headers=auth, timeout=10)
            if response.status_code != 200 or not response.json().get("token"):
                failures += 1
            latencies.append(time.perf_counter() - t0)
    else:
        response = session.post(f"{args.endpoint}/conversations", headers=auth, timeout=10)
        response.raise_for_status()
        conversation_id = response.json()["conversationId"]
        state = {"watermark": ""}
        for i in range(args.count):
            text = f"rq-msg {i}"
            t0 = time.perf_counter()
            if not requests_round_trip(session, args, auth, conversation_id, state, text, post_latencies):
                failures += 1
            latencies.append(time.perf_counter() - t0)
    result("requests polling" if args.workload == "echo" else "requests.Session",
           args.workload, latencies, failures, time.perf_counter() - start, post_latencies)
    session.close()


def requests_round_trip(session, args, auth, conversation_id, state, text, post_latencies):
    """POST the message, then GET activities after the watermark until the echo comes:
    the first GET right away, then one every poll interval."""
    base = f"{args.endpoint}/conversations/{conversation_id}/activities"
    t0 = time.perf_counter()
    response = session.post(base, headers=auth, timeout=10,
                            json={"type": "message", "from": {"id": USER_ID}, "text": text})
    post_latencies.append(time.perf_counter() - t0)
    if response.status_code != 200:
        print(f"bench_py: post failed with HTTP {response.status_code}", file=sys.stderr)
        return False
    posted_id = response.json().get("id")
    deadline = time.monotonic() + ECHO_TIMEOUT_S
    while time.monotonic() < deadline:
        response = session.get(base, headers=auth, params={"watermark": state["watermark"]}, timeout=10)
        if response.status_code != 200:
            print(f"bench_py: poll failed with HTTP {response.status_code}", file=sys.stderr)
            return False
        body = response.json()
        if body.get("watermark"):
            state["watermark"] = body["watermark"]
        for activity in body.get("activities", []):
            if activity.get("type") == "message" and activity.get("from", {}).get("id") == "bot":
                ok = activity.get("text") == f"echo: {text}" and activity.get("replyToId") == posted_id
                if not ok:
                    print(f"bench_py: wrong echo for {text!r}: {activity}", file=sys.stderr)
                return ok
        time.sleep(args.poll_interval)
    print(f"bench_py: no echo for {text!r}", file=sys.stderr)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client", choices=["directline", "requests"])
    parser.add_argument("endpoint")
    parser.add_argument("secret")
    parser.add_argument("workload", choices=["tokens", "echo"])
    parser.add_argument("count", type=int)
    parser.add_argument("--poll-interval", type=float, default=0.2,
                        help="seconds between polls of the requests client (default 0.2)")
    args = parser.parse_args()
    if args.count <= 0:
        parser.error("count must be positive")
    (bench_directline if args.client == "directline" else bench_requests)(args)


if __name__ == "__main__":
    main()
