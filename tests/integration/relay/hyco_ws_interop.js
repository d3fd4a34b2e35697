// Microsoft's npm hyco-ws (ws 1.1.5) as listener and as sender through `azbridge relay` (TLS):
// text and binary echo, a 1 MiB message, subprotocol echo, close codes and reasons in both directions.
// Usage: node hyco_ws_interop.js PORT KEY_NAME KEY
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const WS = require('hyco-ws');

const [port, keyName, key] = process.argv.slice(2);
const base = `wss://127.0.0.1:${port}/$hc/hc1`;
const token = () => WS.createRelayToken(base, keyName, key, 3600);  // node style: sr=http://127.0.0.1:PORT/hc1

const deadline = setTimeout(() => { console.error('FAIL: timed out'); process.exit(1); }, 60000);
const listenerCloses = [];
let closeWaiter = null;

const server = WS.createRelayedServer({ server: `${base}?sb-hc-action=listen`, token: token() }, (ws) => {
  ws.on('message', (data, flags) => {
    if (flags && flags.binary) {
      ws.send(data, { binary: true });
    } else if (data === 'close-me') {
      ws.close(4001, 'done by listener');
    } else {
      ws.send('echo:' + data);
    }
  });
  ws.on('close', (code, reason) => {
    listenerCloses.push([code, String(reason || '')]);
    if (closeWaiter) closeWaiter();
  });
  ws.on('error', () => {});
});
server.on('error', (e) => console.error('listener error:', e && e.message));

function open(protocols) {
  return new Promise((resolve, reject) => {
    const ws = new WS(`${base}/suffix?app=1&sb-hc-action=connect`, protocols, {
      headers: { ServiceBusAuthorization: token() },
    });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function next(ws) {
  return new Promise((resolve) => ws.once('message', (data, flags) => resolve({ data, binary: !!(flags && flags.binary) })));
}

async function main() {
  await new Promise((resolve) => server.once('listening', resolve));

  const a = await open(['p1', 'p2']);
  assert.strictEqual(a.protocol, 'p1', 'the listener chose p1 and the relay echoed it');
  a.send('hello');
  let m = await next(a);
  assert.deepStrictEqual(m, { data: 'echo:hello', binary: false });
  a.send(Buffer.from([1, 2, 3]), { binary: true });
  m = await next(a);
  assert.ok(m.binary && Buffer.compare(m.data, Buffer.from([1, 2, 3])) === 0, 'binary echo');
  const big = crypto.randomBytes(1024 * 1024);
  a.send(big, { binary: true });
  m = await next(a);
  assert.ok(m.binary && Buffer.compare(m.data, big) === 0, '1 MiB binary message echoed intact');
  const text = 'x'.repeat(70000) + 'ü';
  a.send(text);
  m = await next(a);
  assert.strictEqual(m.data, 'echo:' + text, 'a long text message stays one text message');

  // The sender closes: the listener sees the code and reason.
  const listenerClosed = new Promise((resolve) => { closeWaiter = resolve; });
  a.close(1000, 'bye');
  await listenerClosed;
  assert.deepStrictEqual(listenerCloses[0], [1000, 'bye']);
  console.log('ok: sender close propagated', listenerCloses[0]);

  // No subprotocol offered: none echoed. The listener closes: the sender sees its code and reason.
  const b = await open(undefined);
  assert.ok(!b.protocol, `no subprotocol expected, got ${b.protocol}`);
  const closed = new Promise((resolve) => b.on('close', (code, reason) => resolve([code, String(reason || '')])));
  b.send('close-me');
  assert.deepStrictEqual(await closed, [4001, 'done by listener']);
  console.log('ok: listener close propagated');

  clearTimeout(deadline);
  server.close();
  console.log('hyco-ws interop: ok');
  process.exit(0);
}

main().catch((e) => { console.error('FAIL:', e && e.stack || e); process.exit(1); });
