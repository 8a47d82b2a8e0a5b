'use strict';
// The official JavaScript client (botframework-directlinejs 0.15.8) against directline-emulator
// with its echo bot. Usage: node directlinejs.js polling|websocket
// Checks: Online status, post returns the id, own activity echoed with that id, the bot's
// "echo: hi" arrives (replyToId), the transport really was the one asked for, token start
// works, end() ends.

global.XMLHttpRequest = require('xhr2');   // DirectLineJS needs these globals under Node
global.WebSocket = require('ws');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');
const { SECRET, startEmulator, requestJson, Checks, waitFor, deadline } = require('./lib');

const mode = process.argv[2];
if (mode !== 'polling' && mode !== 'websocket') {
  console.error('usage: node directlinejs.js polling|websocket');
  process.exit(2);
}
const name = `directlinejs-${mode}`;
deadline(45000, name);

async function conversationRoundTrip(checks, emulator, credential, label) {
  const webSocket = mode === 'websocket';
  const directLine = new DirectLine({
    ...credential, domain: emulator.v3, webSocket, pollingInterval: 300,
    WebSocket: webSocket ? require('ws') : undefined,
  });
  try {
    // Subscribing starts the conversation; post right away, as apps do (the emulator replays).
    const reply = waitFor(directLine.activity$, (a) => a.type === 'message' && a.text === 'echo: hi', 10000, `${label} "echo: hi"`);
    const own = waitFor(directLine.activity$, (a) => a.type === 'message' && a.text === 'hi', 10000, `${label} own activity`);
    const online = waitFor(directLine.connectionStatus$, (s) => s === ConnectionStatus.Online, 10000, `${label} Online`);
    const posted = await waitFor(directLine.postActivity({ from: { id: 'user1', name: 'User' }, type: 'message', text: 'hi' }), () => true, 10000, `${label} post id`);
    checks.expect(typeof posted === 'string' && posted.length > 0 && posted !== 'retry', `${label}: postActivity returns an id`, `got ${JSON.stringify(posted)}`);
    await online;
    checks.ok(`${label}: connection status reaches Online`);
    const ownActivity = await own;
    checks.expect(ownActivity.id === posted && ownActivity.from.id === 'user1', `${label}: own activity comes back with the posted id`, JSON.stringify(ownActivity));
    const echo = await reply;
    checks.expect(echo.replyToId === posted && echo.from.id === 'bot', `${label}: bot reply "echo: hi" arrives with replyToId`, JSON.stringify(echo));
    const stats = await requestJson('GET', `${emulator.baseUrl}/admin/stats`);
    const sockets = stats.json && stats.json.sockets;
    checks.expect(webSocket ? sockets >= 1 : sockets === 0, `${label}: transport is ${mode} (emulator counts ${sockets} socket(s))`, `stats ${stats.text}`);
    directLine.end();
    const ended = await waitFor(directLine.connectionStatus$, (s) => s === ConnectionStatus.Ended, 5000, `${label} Ended`);
    checks.expect(ended === ConnectionStatus.Ended, `${label}: end() ends the connection`, `status ${ended}`);
  } finally {
    directLine.end();
  }
}

async function main() {
  const checks = new Checks(name);
  let emulator;
  try {
    emulator = await startEmulator(['--admin']);
    checks.ok(`emulator started at ${emulator.baseUrl}`);
    await conversationRoundTrip(checks, emulator, { secret: SECRET }, 'secret');
    const generated = await requestJson('POST', `${emulator.v3}/tokens/generate`, { headers: { Authorization: `Bearer ${SECRET}` } });
    if (checks.expect(generated.status === 200 && generated.json && generated.json.token, 'token generated over REST', `status ${generated.status}`)) {
      await conversationRoundTrip(checks, emulator, { token: generated.json.token }, 'token');
    }
  } catch (err) {
    checks.fail('run', err && err.message ? err.message : String(err));
  } finally {
    if (emulator) {
      const code = await emulator.stop();
      checks.expect(code === 0, 'emulator exits 0 on SIGTERM', `exit ${code}`);
    }
  }
  process.exit(checks.summary());
}

main();
