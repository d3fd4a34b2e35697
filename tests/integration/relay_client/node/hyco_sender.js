// A hyco-ws (ws 1.x) sender offering subprotocols p1,p2: sends a text and a 200 KiB binary message and checks
// that both come back unchanged with their type. Usage: node hyco_sender.js CONNECT_URI TOKEN
// Prints "OK protocol=<chosen>" and exits 0, or prints FAIL and exits 1.
'use strict';
const WebSocket = require('hyco-ws');
const crypto = require('crypto');
const [uri, token] = process.argv.slice(2);
const text = 'hello through the relay';
const binary = crypto.randomBytes(200 * 1024);
const ws = new WebSocket(uri, ['p1', 'p2'], { headers: { ServiceBusAuthorization: token } });
const timer = setTimeout(() => { console.log('FAIL timeout'); process.exit(1); }, 60000);
let step = 0;
ws.on('open', () => {
  ws.send(text);
  ws.send(binary, { binary: true });
});
ws.on('message', (data, flags) => {
  const isBinary = !!(flags && flags.binary);
  if (step === 0) {
    if (isBinary || data.toString() !== text) { console.log('FAIL text echo'); process.exit(1); }
  } else {
    const got = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!isBinary || !got.equals(binary)) { console.log('FAIL binary echo'); process.exit(1); }
    clearTimeout(timer);
    console.log('OK protocol=' + ws.protocol);
    ws.close(1000);
    setTimeout(() => process.exit(0), 200);
  }
  step++;
});
ws.on('error', (e) => { console.log('FAIL ' + e); process.exit(1); });
