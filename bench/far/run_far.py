"""The far-network benchmark, every figure from one run (see README.md).

Far: the emulator over TLS behind delay_proxy (DELAY ms each way), the C
client against wrk (keep-alive, one connection) and DirectLineJS (WebSocket).
Loopback: the plain emulator, the C client against wrk on the same route, one
connection and 16; then 10,000 conversations with their streams opened.

usage: run_far.py --emulator BIN --far-bench BIN --delay-proxy BIN [--delay-ms 25]
                  [--far-posts 200] [--far-echoes 100] [--loop-ops 2000] [--seconds 5]
                  [--rounds 5] [--open 10000] [--open-threads 8]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
import ssl

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SECRET = "bench-far-secret-0123456789"
COMMON_LUA = os.path.join(REPO, "bench", "emulator", "common.lua")


def start_line(command, prefix):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith(prefix):
        process.kill()
        sys.exit(f"run_far: {command[0]} did not start ({line!r})")
    return process, line[len(prefix):]


def result_line(output):
    lines = [l for l in output.splitlines() if l.startswith("RESULT ")]
    if not lines:
        return None
    return dict(item.split("=", 1) for item in lines[-1][7:].split())


# Loopback latency runs pin the emulator to core 0 and the client to core 1,
# so that neither lands on the other's core (which swings p50 by 3x here).
PIN_SERVER, PIN_CLIENT = [], []
if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
    PIN_SERVER, PIN_CLIENT = ["taskset", "-c", "0"], ["taskset", "-c", "1"]


def run(command, env=None, timeout=600, pin=False):
    command = (PIN_CLIENT if pin else []) + list(command)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(f"run_far: {' '.join(command[:5])} ... exited {done.returncode}")
    return done.stdout


def far_bench(args, endpoint, ca, *rest, pin=False):
    out = run([args.far_bench, endpoint, SECRET, ca, *map(str, rest)], pin=pin)
    result = result_line(out)
    if result is None or int(result.get("failures", "1")) != 0:
        sys.exit(f"run_far: far_bench {rest} failed: {out}")
    return result


def wrk(url, script, connections, seconds, env_extra, pin=False):
    env = dict(os.environ, DL_COMMON_LUA=COMMON_LUA, DL_SECRET=SECRET, **env_extra)
    threads = min(connections, 2)
    out = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
               os.path.join(HERE, script), url], env=env, pin=pin)
    result = result_line(out)
    if result is None or int(result["non2xx"]) or int(result["socket_errors"]):
        sys.exit(f"run_far: wrk {script} failed or saw errors: {out}")
    return result


def node_echo(endpoint, ca, n):
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=ca)
    out = run(["node", os.path.join(REPO, "bench", "peers", "bench_node.js"), endpoint, SECRET,
               "echo-websocket", str(n)], env=env)
    result = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    if result["failures"]:
        sys.exit(f"run_far: DirectLineJS had {result['failures']} failures")
    lat = sorted(result["latencies_us"])
    post = sorted(result["post_latencies_us"])
    # The first round trips open connections: skip a tenth, as far_bench does.
    lat, post = lat[len(lat) // 10:], post[len(post) // 10:]
    return {"p50_ms": statistics.median(lat) / 1000, "post_p50_ms": statistics.median(post) / 1000}


def start_conversation(base, context):
    request = urllib.request.Request(base + "/v3/directline/conversations", method="POST",
                                     headers={"Authorization": "Bearer " + SECRET})
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        return json.loads(response.read())["conversationId"]


def make_certs(directory):
    def sh(command):
        subprocess.run(command, shell=True, check=True, cwd=directory,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    sh(f"openssl req -x509 {ec} -days 2 -subj /CN=bench-ca -keyout ca.key -out ca.pem")
    sh(f"openssl req {ec} -subj /CN=bench -keyout leaf.key -out leaf.csr")
    sh("printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > leaf.ext && "
       "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
       "-extfile leaf.ext -out leaf.pem")
    return os.path.join(directory, "ca.pem"), os.path.join(directory, "leaf.pem"), os.path.join(directory, "leaf.key")


def ratio(ours, theirs):
    return ours / theirs if theirs else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--far-bench", required=True)
    parser.add_argument("--delay-proxy", required=True)
    parser.add_argument("--delay-ms", type=int, default=25)
    parser.add_argument("--far-posts", type=int, default=200)
    parser.add_argument("--far-echoes", type=int, default=100)
    parser.add_argument("--loop-ops", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=5, help="wrk's far run (at least 10)")
    parser.add_argument("--rounds", type=int, default=5, help="loopback rounds (medians are reported)")
    parser.add_argument("--open", type=int, default=10000)
    parser.add_argument("--open-threads", type=int, default=8)
    args = parser.parse_args()
    for tool in ("wrk", "node", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"run_far: {tool} is not installed")

    rows = []
    work = tempfile.mkdtemp(prefix="bench_far_")
    processes = []
    try:
        ca, cert, key = make_certs(work)
        # ---- far: TLS emulator behind the delay proxy ----
        emu, base = start_line([args.emulator, "--port", "0", "--secret", SECRET, "--tls-cert", cert,
                                "--tls-key", key], "listening on ")
        processes.append(emu)
        port = base.rsplit(":", 1)[1]
        proxy, listen = start_line([args.delay_proxy, "127.0.0.1", port, str(args.delay_ms)], "listening on ")
        processes.append(proxy)
        far = "https://" + listen
        far_endpoint = far + "/v3/directline"
        context = ssl.create_default_context(cafile=ca)
        conversation = start_conversation(base, context)

        c_post = far_bench(args, far_endpoint, ca, "post", args.far_posts)
        w_post = wrk(f"{far}/v3/directline/conversations/{conversation}/activities", "post.lua", 1,
                     max(args.seconds, 10), {"DL_CONVERSATIONS": conversation})
        rows.append(("far post p50 (ms)", float(c_post["p50_ms"]), "wrk c1 keep-alive", float(w_post["p50_ms"]), "<= 1.10"))
        c_echo = far_bench(args, far_endpoint, ca, "echo", args.far_echoes)
        js = node_echo(far_endpoint, ca, args.far_echoes)
        rows.append(("far post -> bot reply p50 (ms)", float(c_echo["p50_ms"]), "DirectLineJS WebSocket",
                     js["p50_ms"], "<= 0.95"))
        for p in processes:
            p.terminate()
            p.wait()
        processes.clear()

        # ---- loopback: plain emulator, one core for it ----
        # One emulator thread; pinned, it can still use only core 0, also for the
        # 16-thread and 10,000-conversation runs.
        emu, base = start_line(PIN_SERVER + [args.emulator, "--port", "0", "--secret", SECRET, "--threads", "1",
                                             "--admin"], "listening on ")
        processes.append(emu)
        endpoint = base + "/v3/directline"
        routes = {"tokens": ("tokens.lua", "/v3/directline/tokens/generate"),
                  "start": ("start.lua", "/v3/directline/conversations"),
                  "post": ("post.lua", "/v3/directline/conversations/{}/activities")}

        def wrk_route(route, connections, seconds, pin):
            # Fresh conversations for every run, requests spread over them: one
            # conversation's log is capped (64 MiB), which wrk fills in seconds.
            script, path = routes[route]
            conversations = [start_conversation(base, None) for _ in range(max(connections, 16))]
            return wrk(base + path.format(conversations[0]), script, connections, seconds,
                       {"DL_CONVERSATIONS": ",".join(conversations)}, pin=pin)

        # Rounds alternating who goes first; the median of each side's figures.
        rounds = max(1, args.rounds)
        for route in routes:
            ours, theirs = [], []
            for r in range(rounds):
                pair = [lambda: ours.append(float(far_bench(args, endpoint, "-", route, args.loop_ops,
                                                            pin=True)["p50_ms"])),
                        lambda: theirs.append(float(wrk_route(route, 1, 1, True)["p50_ms"]))]
                for step in (pair if r % 2 == 0 else pair[::-1]):
                    step()
            rows.append((f"loopback {route} p50 (ms)", statistics.median(ours), "wrk c1",
                         statistics.median(theirs), "<= 1.30"))
        for route in routes:
            ours, theirs = [], []
            for r in range(rounds):
                # Not pinned: 16 threads are there to use every core (the server's too).
                pair = [lambda: ours.append(float(far_bench(args, endpoint, "-", "rate", route, 16, 2)["rps"])),
                        lambda: theirs.append(float(wrk_route(route, 16, 2, False)["rps"]))]
                for step in (pair if r % 2 == 0 else pair[::-1]):
                    step()
            rows.append((f"loopback {route}, 16 threads (req/s)", statistics.median(ours), "wrk c16",
                         statistics.median(theirs), ">= 0.70"))
        opened = far_bench(args, endpoint, "-", "open", args.open, args.open_threads, base.rsplit(":", 1)[1])
    finally:
        for p in processes:
            p.terminate()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n| figure | directline C | peer | peer figure | ratio | target |")
    print("|---|---:|---|---:|---:|---|")
    for name, ours, peer, theirs, target in rows:
        print(f"| {name} | {ours:.3f} | {peer} | {theirs:.3f} | {ratio(ours, theirs):.2f}x | {target} |")
    print(f"\n{opened['conversations']} streaming conversations ({args.open_threads} client threads): "
          f"all streams open after {float(opened['open_s']):.2f} s; "
          f"{float(opened['rss_kib_per_conversation']):.1f} KiB RSS each; "
          f"{opened['process_threads']} threads in the process "
          f"(target: <= 3 s, <= 16 KiB, <= 16 threads)")
    print(f"far post p50 C {float(c_post['p50_ms']):.2f} ms; DirectLineJS post p50 {js['post_p50_ms']:.2f} ms")


if __name__ == "__main__":
    main()
