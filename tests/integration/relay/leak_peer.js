// Opens and closes many relayed connections through `azbridge relay`: a hyco-ws listener echoes, ws@8 senders
// send one message each and close (every third one drops its TCP connection without a close handshake).
// Usage: node leak_peer.js PORT KEY_NAME KEY COUNT CONCURRENCY
'use strict';
const WS = require('hyco-ws');
const Sender = require('ws');

const [port, keyName, key, countArg, concArg] = process.argv.slice(2);
const count = Number(countArg), concurrency = Number(concArg);
const base = `wss://127.0.0.1:${port}/$hc/leak`;
const token = WS.createRelayToken(base, keyName, key, 3600);
const deadline = setTimeout(() => { console.error('FAIL: timed out'); process.exit(1); }, 240000);

const server = WS.createRelayedServer({ server: `${base}?sb-hc-action=listen`, token }, (ws) => {
  ws.on('message', (data) => { try { ws.send(data); } catch (e) { /* peer gone */ } });
  ws.on('error', () => {});
});
server.on('error', () => {});

function one(i) {
  return new Promise((resolve, reject) => {
    const ws = new Sender(`${base}?sb-hc-action=connect`, { headers: { ServiceBusAuthorization: token } });
    ws.on('open', () => ws.send(`m${i}`));
    ws.on('message', (data) => {
      if (String(data) !== `m${i}`) return reject(new Error(`bad echo ${data}`));
      if (i % 3 === 0) { ws.terminate(); resolve(); } else ws.close(1000, 'done');
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
}

async function main() {
  await new Promise((resolve) => server.once('listening', resolve));
  let next = 0;
  const worker = async () => { while (next < count) await one(next++); };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(deadline);
  server.close();
  console.log(`leak peer: ${count} connections relayed`);
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => { console.error('FAIL:', e && e.stack || e); process.exit(1); });
