'use strict';
// A bot written with the official Bot Framework SDK (botbuilder CloudAdapter, no app id or
// password) behind directline-emulator --bot URL, driven by DirectLineJS over WebSocket.
// Checks: the bot's conversationUpdate arrives (bot in membersAdded), the welcome it sends from
// that turn reaches the client, a message round-trips ("you said: hi", replyToId), and the
// activity the bot saw carries the channel fields.

global.XMLHttpRequest = require('xhr2');
global.WebSocket = require('ws');
const http = require('http');
const { CloudAdapter, ActivityHandler, ConfigurationBotFrameworkAuthentication } = require('botbuilder');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');
const { SECRET, startEmulator, Checks, waitFor, deadline } = require('./lib');

const name = 'botbuilder-echo';
deadline(45000, name);

class EchoBot extends ActivityHandler {
  constructor(seen) {
    super();
    this.onMembersAdded(async (context, next) => {
      seen.push(context.activity);
      const botAdded = context.activity.membersAdded.some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await context.sendActivity('welcome from botbuilder');
      await next();
    });
    this.onMessage(async (context, next) => {
      seen.push(context.activity);
      await context.sendActivity(`you said: ${context.activity.text}`);
      await next();
    });
  }
}

// CloudAdapter wants an express/restify-like request (parsed body) and response.
function startBot(seen) {
  // No MicrosoftAppId/Password: authentication is disabled, as for a local bot.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => { console.error(`bot turn error: ${error && error.stack}`); };
  const bot = new EchoBot(seen);
  const server = http.createServer((req, res) => {
    if (req.url !== '/api/messages') { res.statusCode = 404; res.end(); return; }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let body;
      try { body = JSON.parse(raw); } catch (e) { res.statusCode = 400; res.end(); return; }
      const shimReq = { body, headers: req.headers, method: req.method };
      const shimRes = {
        socket: res.socket,
        status: (code) => { res.statusCode = code; },
        header: (k, v) => { res.setHeader(k, v); },
        send: (b) => { res.write(typeof b === 'string' ? b : JSON.stringify(b)); },
        end: () => { res.end(); },
      };
      adapter.process(shimReq, shimRes, (context) => bot.run(context)).catch((err) => {
        console.error(`adapter.process failed: ${err && err.stack}`);
        if (!res.writableEnded) { res.statusCode = 500; res.end(); }
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const checks = new Checks(name);
  const seen = [];
  let emulator;
  let server;
  let directLine;
  try {
    server = await startBot(seen);
    const botUrl = `http://127.0.0.1:${server.address().port}/api/messages`;
    checks.ok(`botbuilder bot listening at ${botUrl}`);
    emulator = await startEmulator(['--bot', botUrl]);
    checks.ok(`emulator started at ${emulator.baseUrl} with --bot`);

    directLine = new DirectLine({ secret: SECRET, domain: emulator.v3, webSocket: true, WebSocket: require('ws') });
    const welcome = waitFor(directLine.activity$, (a) => a.type === 'message' && a.text === 'welcome from botbuilder', 10000, 'welcome message');
    const online = waitFor(directLine.connectionStatus$, (s) => s === ConnectionStatus.Online, 10000, 'Online');
    await online;
    checks.ok('client Online');

    const welcomeActivity = await welcome;
    const update = seen.find((a) => a.type === 'conversationUpdate');
    checks.expect(update && update.membersAdded.some((m) => m.id === update.recipient.id),
                  'bot received conversationUpdate with itself in membersAdded', JSON.stringify(update));
    checks.expect(update && update.channelId === 'directline' && /^https?:\/\/127\.0\.0\.1:\d+\/?$/.test(update.serviceUrl),
                  'conversationUpdate carries channelId directline and the emulator serviceUrl', update && `${update.channelId} ${update.serviceUrl}`);
    checks.expect(welcomeActivity.conversation.id === update.conversation.id,
                  'welcome sent from the conversationUpdate turn reaches the client', JSON.stringify(welcomeActivity));

    const replied = waitFor(directLine.activity$, (a) => a.type === 'message' && a.text === 'you said: hi', 10000, 'bot reply');
    const posted = await waitFor(directLine.postActivity({ from: { id: 'user1' }, type: 'message', text: 'hi' }), () => true, 10000, 'post id');
    checks.expect(typeof posted === 'string' && posted !== 'retry', 'postActivity returns an id', JSON.stringify(posted));
    const reply = await replied;
    checks.expect(reply.replyToId === posted, 'bot reply reaches the client with replyToId = posted id', JSON.stringify(reply));
    const inbound = seen.find((a) => a.type === 'message');
    checks.expect(inbound && inbound.id === posted && inbound.from.id === 'user1' && inbound.text === 'hi' && inbound.conversation.id === update.conversation.id,
                  'bot saw the message with the posted id, from.id and conversation', JSON.stringify(inbound));
  } catch (err) {
    checks.fail('run', err && err.message ? err.message : String(err));
  } finally {
    if (directLine) directLine.end();
    if (emulator) {
      const code = await emulator.stop();
      checks.expect(code === 0, 'emulator exits 0 on SIGTERM', `exit ${code}`);
    }
    if (server) server.close();
  }
  process.exit(checks.summary());
}

main();
