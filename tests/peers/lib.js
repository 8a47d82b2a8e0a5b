'use strict';
// Shared by the peer scripts: start a real directline-emulator, report checks one per line,
// and make sure no script can hang (a hard deadline exits non-zero).

const { spawn } = require('child_process');
const http = require('http');
const path = require('path');
const fs = require('fs');
const readline = require('readline');

const REPO = path.resolve(__dirname, '..', '..');
const SECRET = 'peer-secret-0123456789';

function emulatorBinary() {
  if (process.env.DIRECTLINE_EMULATOR) return process.env.DIRECTLINE_EMULATOR;
  const buildDir = path.resolve(REPO, process.env.BUILD_DIR || 'build');
  return path.join(buildDir, 'bin', 'directline-emulator');
}

// Starts the emulator with `args`; resolves { baseUrl, v3, stop() } once it printed its port.
function startEmulator(args = []) {
  const binary = emulatorBinary();
  if (!fs.existsSync(binary)) {
    return Promise.reject(new Error(`no emulator at ${binary} (build directline-emulator or set DIRECTLINE_EMULATOR)`));
  }
  const child = spawn(binary, ['--port', '0', '--secret', SECRET, ...args],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('emulator did not start in 10 s')); }, 10000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited (${code}): ${stderr.trim()}`)); });
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const match = /^listening on (https?:\/\/\S+)$/.exec(line.trim());
      if (!match) { child.kill('SIGKILL'); reject(new Error(`unexpected first line: ${line}`)); return; }
      child.removeAllListeners('exit');
      resolve({
        baseUrl: match[1],
        v3: `${match[1]}/v3/directline`,
        stderr: () => stderr,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) { done(child.exitCode); return; }
          child.once('exit', (code) => done(code));
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
      });
    });
  });
}

// Plain JSON over HTTP (loopback only), for admin calls and token generation.
function requestJson(method, url, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(url, { method, headers: { ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch (e) { json = undefined; }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// One line per check; the process exit code says whether all passed.
class Checks {
  constructor(name) { this.name = name; this.passed = 0; this.failed = 0; }
  ok(label) { this.passed += 1; console.log(`PASS ${this.name}: ${label}`); }
  fail(label, why) { this.failed += 1; console.log(`FAIL ${this.name}: ${label}: ${why}`); }
  expect(condition, label, why) { if (condition) this.ok(label); else this.fail(label, why); return condition; }
  summary() {
    console.log(`# ${this.name}: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

// Resolves with the first value for which `predicate` holds, or rejects after `ms`.
function waitFor(subscribeTo, predicate, ms, what) {
  return new Promise((resolve, reject) => {
    let subscription;
    const timer = setTimeout(() => { if (subscription) subscription.unsubscribe(); reject(new Error(`timed out after ${ms} ms waiting for ${what}`)); }, ms);
    subscription = subscribeTo.subscribe({
      next: (value) => {
        if (predicate(value)) { clearTimeout(timer); setImmediate(() => subscription.unsubscribe()); resolve(value); }
      },
      error: (err) => { clearTimeout(timer); reject(err); },
    });
  });
}

// The whole script must finish within `ms`, or it fails loudly instead of hanging CI.
function deadline(ms, name) {
  setTimeout(() => {
    console.log(`FAIL ${name}: script deadline of ${ms} ms exceeded`);
    process.exit(1);
  }, ms).unref();
}

module.exports = { SECRET, startEmulator, requestJson, Checks, waitFor, deadline };
