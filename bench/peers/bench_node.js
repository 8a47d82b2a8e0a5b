'use strict';
// Node side of the peer benchmark (bench/peers): the official JavaScript client
// (botframework-directlinejs 0.15.8, installed in tests/peers/node_modules) and, for
// token generation, which DirectLineJS cannot do, hand-written HTTP with a keep-alive agent.
// One workload per run; prints one JSON line for report.py.
//
// usage: node bench_node.js ENDPOINT SECRET tokens N
//        node bench_node.js ENDPOINT SECRET echo-websocket|echo-polling N
//        node bench_node.js ENDPOINT SECRET concurrent CONVERSATIONS ROUND_TRIPS
//
// Every round trip checks the reply text, the sender ("bot") and replyToId = the id
// postActivity returned; a mismatch or a timeout counts as a failure.

const http = require('http');
const path = require('path');
const { createRequire } = require('module');

const peersRequire = createRequire(path.resolve(__dirname, '..', '..', 'tests', 'peers', 'package.json'));
global.XMLHttpRequest = peersRequire('xhr2');   // DirectLineJS needs both globals under Node
global.WebSocket = peersRequire('ws');
const { DirectLine, ConnectionStatus } = peersRequire('botframework-directlinejs');

const ECHO_TIMEOUT_MS = 10000;
const POLLING_INTERVAL_MS = 200;   // DirectLineJS's documented floor for pollingInterval

const [endpoint, secret, workload, firstArg, secondArg] = process.argv.slice(2);
const first = Number(firstArg);
const second = Number(secondArg || 0);
if (!endpoint || !secret || !(first > 0) || (workload === 'concurrent' && !(second > 0))) {
  console.error('usage: node bench_node.js ENDPOINT SECRET tokens|echo-websocket|echo-polling N | concurrent CONVERSATIONS ROUND_TRIPS');
  process.exit(2);
}

function nowUs() { return Number(process.hrtime.bigint()) / 1000; }

function printResult(client, name, latencies, failures, elapsedUs, postLatencies) {
  const round = (x) => Math.round(x * 10) / 10;
  process.stdout.write(JSON.stringify({
    client, workload: name, ops: latencies.length, failures, elapsed_s: elapsedUs / 1e6,
    latencies_us: latencies.map(round),
    ...(postLatencies ? { post_latencies_us: postLatencies.map(round) } : {}),
  }) + '\n');
}

function postTokenGenerate(agent) {
  return new Promise((resolve) => {
    const request = http.request(`${endpoint}/tokens/generate`, {
      method: 'POST', agent, headers: { Authorization: `Bearer ${secret}`, 'Content-Length': 0 },
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        try { resolve(response.statusCode === 200 && Boolean(JSON.parse(body).token)); } catch { resolve(false); }
      });
    });
    request.setTimeout(10000, () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}

async function benchTokens() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let failures = 0;
  const start = nowUs();
  for (let i = 0; i < first; i += 1) {
    const t0 = nowUs();
    if (!(await postTokenGenerate(agent))) failures += 1;
    latencies.push(nowUs() - t0);
  }
  printResult('node http keep-alive', 'tokens', latencies, failures, nowUs() - start);
  agent.destroy();
}

// One DirectLineJS conversation whose echoes can be awaited one round trip at a time.
class EchoConversation {
  constructor(webSocket) {
    this.directLine = new DirectLine({
      secret, domain: endpoint, webSocket, pollingInterval: POLLING_INTERVAL_MS,
      WebSocket: webSocket ? global.WebSocket : undefined,
    });
    this.pending = null;   // { text, resolve }
    this.subscription = this.directLine.activity$.subscribe((activity) => {
      if (!this.pending || activity.type !== 'message' || !activity.from || activity.from.id !== 'bot') return;
      const pending = this.pending;
      this.pending = null;
      pending.resolve(activity);
    });
  }

  online() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not Online within 10 s')), ECHO_TIMEOUT_MS);
      const subscription = this.directLine.connectionStatus$.subscribe((status) => {
        if (status === ConnectionStatus.Online) {
          clearTimeout(timer);
          setImmediate(() => subscription.unsubscribe());
          resolve();
        }
      });
    });
  }

  // Resolves true when the bot's reply is "echo: text" with replyToId = the posted id;
  // pushes the time until postActivity delivered the id onto postLatencies.
  roundTrip(text, postLatencies) {
    const t0 = nowUs();
    return new Promise((resolve) => {
      let postedId = null;
      let reply = null;
      const timer = setTimeout(() => { this.pending = null; console.error(`bench_node: no echo for "${text}"`); resolve(false); }, ECHO_TIMEOUT_MS);
      const settle = () => {
        if (postedId === null || reply === null) return;   // the echo may beat the POST's response
        clearTimeout(timer);
        const ok = reply.text === `echo: ${text}` && reply.replyToId === postedId;
        if (!ok) console.error(`bench_node: wrong echo for "${text}": ${JSON.stringify(reply)} (posted ${postedId})`);
        resolve(ok);
      };
      this.pending = { text, resolve: (activity) => { reply = activity; settle(); } };
      this.directLine.postActivity({ from: { id: 'user1' }, type: 'message', text }).subscribe(
        (id) => {
          postLatencies.push(nowUs() - t0);
          if (id === 'retry') {   // DirectLineJS's way of reporting a failed post
            clearTimeout(timer);
            this.pending = null;
            console.error(`bench_node: postActivity returned "retry" for "${text}"`);
            resolve(false);
            return;
          }
          postedId = id;
          settle();
        },
        (error) => { clearTimeout(timer); console.error(`bench_node: post failed: ${error && error.message}`); resolve(false); });
    });
  }

  end() {
    this.subscription.unsubscribe();
    this.directLine.end();
  }
}

async function runConversation(webSocket, tag, roundTrips, latencies, postLatencies) {
  const conversation = new EchoConversation(webSocket);
  let failures = 0;
  try {
    await conversation.online();
    for (let i = 0; i < roundTrips; i += 1) {
      const t0 = nowUs();
      if (!(await conversation.roundTrip(`${tag}-msg ${i}`, postLatencies))) failures += 1;
      latencies.push(nowUs() - t0);
    }
  } catch (error) {
    console.error(`bench_node: ${error.message}`);
    failures += roundTrips - latencies.length;
  } finally {
    conversation.end();
  }
  return failures;
}

async function benchEcho(webSocket) {
  const latencies = [];
  const postLatencies = [];
  const start = nowUs();
  const failures = await runConversation(webSocket, 'js', first, latencies, postLatencies);
  printResult(`DirectLineJS ${webSocket ? 'WebSocket' : 'polling 200ms'}`, 'echo', latencies, failures, nowUs() - start, postLatencies);
}

async function benchConcurrent() {
  const latencies = [];
  const postLatencies = [];
  const start = nowUs();
  const failures = await Promise.all(
    Array.from({ length: first }, (_, i) => runConversation(true, `js${i}`, second, latencies, postLatencies)));
  printResult('DirectLineJS WebSocket', 'concurrent', latencies, failures.reduce((a, b) => a + b, 0), nowUs() - start, postLatencies);
}

const workloads = {
  tokens: benchTokens,
  'echo-websocket': () => benchEcho(true),
  'echo-polling': () => benchEcho(false),
  concurrent: benchConcurrent,
};
if (!workloads[workload]) {
  console.error(`bench_node: unknown workload ${workload}`);
  process.exit(2);
}
// A hard deadline so that a stuck client can never hang the whole benchmark.
setTimeout(() => { console.error('bench_node: deadline (120 s) passed'); process.exit(1); }, 120000).unref();
workloads[workload]().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
