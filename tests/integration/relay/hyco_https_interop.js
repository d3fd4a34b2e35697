// Microsoft's npm hyco-https as the listener, Node's core https module as the HTTP sender, through
// `azbridge relay` (TLS): GET/POST, small bodies (control channel) and >64 KiB bodies both ways (rendezvous),
// chunked uploads, sb-hc-token stripped from the query, Via, a 204 (stray empty message), responses out of order.
// Usage: node hyco_https_interop.js PORT KEY_NAME KEY
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const hyco = require('hyco-https');
const https = require('https');

const [port, keyName, key] = process.argv.slice(2);
const hc = 'hc2';
const token = (p) => hyco.createRelayToken(`https://127.0.0.1:${port}/${p || hc}`, keyName, key, 3600);
const deadline = setTimeout(() => { console.error('FAIL: timed out'); process.exit(1); }, 90000);
const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const pattern = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));

const server = hyco.createRelayedServer(
  { server: `wss://127.0.0.1:${port}/$hc/${hc}?sb-hc-action=listen`, token: token() },
  (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://x');
      if (url.pathname.endsWith('/nocontent')) {
        res.statusCode = 204;
        res.end();
        return;
      }
      if (url.pathname.endsWith('/teapot')) {
        res.statusCode = 418;
        res.statusMessage = 'Short and stout';
        res.setHeader('content-type', 'text/plain');
        res.end('tea');
        return;
      }
      const reply = () => {
        if (url.pathname.endsWith('/big')) {
          res.setHeader('content-type', 'application/octet-stream');
          res.setHeader('x-request-length', String(body.length));
          res.setHeader('x-request-sha256', sha(body));
          res.end(pattern(Number(url.searchParams.get('size'))));
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers,
                                   length: body.length, sha256: sha(body) }));
        }
      };
      const delay = Number(url.searchParams.get('delay') || 0);
      if (delay) setTimeout(reply, delay); else reply();
    });
  });
server.on('error', (e) => console.error('listener error:', e && e.message));

function request(method, path, { body, headers = {}, chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    const h = Object.assign({ ServiceBusAuthorization: token() }, headers);
    if (body && !chunked) h['content-length'] = body.length;
    const req = https.request({ host: '127.0.0.1', port, method, path, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, message: res.statusMessage, headers: res.headers,
                                     body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body && chunked) {
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
    } else if (body) {
      req.write(body);
    }
    req.end();
  });
}

async function main() {
  const listening = new Promise((resolve) => server.once('listening', resolve));
  server.listen();  // hyco-https connects only now; listen(cb) never calls cb, hence the event
  await listening;

  // GET with the token in the query: the listener sees the path and query without sb-hc-token.
  const q = encodeURIComponent(token());
  let r = await request('GET', `/${hc}/sub/path?a=1&sb-hc-token=${q}&b=2`, { headers: { 'X-Custom': 'yes' } });
  assert.strictEqual(r.status, 200);
  let j = JSON.parse(r.body);
  assert.strictEqual(j.method, 'GET');
  assert.strictEqual(j.url, `/${hc}/sub/path?a=1&b=2`);
  assert.strictEqual(j.headers['x-custom'], 'yes');
  assert.ok(!('servicebusauthorization' in j.headers), 'the token header is not forwarded');
  assert.ok(/127\.0\.0\.1/.test(r.headers.via || ''), `Via: ${r.headers.via}`);
  console.log('ok: GET small');

  // POST 1000 bytes: control channel.
  const small = crypto.randomBytes(1000);
  r = await request('POST', `/${hc}/upload`, { body: small, headers: { 'content-type': 'application/octet-stream' } });
  j = JSON.parse(r.body);
  assert.deepStrictEqual([j.method, j.length, j.sha256], ['POST', 1000, sha(small)]);
  assert.strictEqual(j.headers['content-type'], 'application/octet-stream');
  console.log('ok: POST 1000 B');

  // POST 100 KiB: address-only request, body streamed over the request rendezvous.
  const large = crypto.randomBytes(100 * 1024);
  r = await request('POST', `/${hc}/upload`, { body: large });
  j = JSON.parse(r.body);
  assert.deepStrictEqual([j.length, j.sha256], [large.length, sha(large)]);
  console.log('ok: POST 100 KiB');

  // Chunked upload of unknown length: rendezvous too.
  const chunkedBody = crypto.randomBytes(5000);
  r = await request('PUT', `/${hc}/upload`, { body: chunkedBody, chunked: true });
  j = JSON.parse(r.body);
  assert.deepStrictEqual([j.method, j.length, j.sha256], ['PUT', 5000, sha(chunkedBody)]);
  console.log('ok: chunked PUT');

  // GET with a 100 KiB response: the listener upgrades to the rendezvous to answer.
  r = await request('GET', `/${hc}/big?size=${100 * 1024}`);
  assert.strictEqual(r.status, 200);
  assert.ok(Buffer.compare(r.body, pattern(100 * 1024)) === 0, '100 KiB response intact');
  assert.ok(/127\.0\.0\.1/.test(r.headers.via || ''), 'Via on rendezvous responses');
  console.log('ok: GET 100 KiB response');

  // Large both ways.
  const up = crypto.randomBytes(300 * 1024);
  r = await request('POST', `/${hc}/big?size=${256 * 1024}`, { body: up });
  assert.strictEqual(r.headers['x-request-length'], String(up.length));
  assert.strictEqual(r.headers['x-request-sha256'], sha(up));
  assert.ok(Buffer.compare(r.body, pattern(256 * 1024)) === 0, '256 KiB response intact');
  console.log('ok: 300 KiB up, 256 KiB down');

  // 204 (hyco-https sends a stray empty binary message after it), then the channel still works.
  r = await request('GET', `/${hc}/nocontent`);
  assert.strictEqual(r.status, 204);
  r = await request('GET', `/${hc}/teapot`);
  assert.deepStrictEqual([r.status, r.message, r.body.toString()], [418, 'Short and stout', 'tea']);
  console.log('ok: 204 then 418 with its reason phrase');

  // Concurrent requests answered in reverse order.
  const delays = [300, 200, 100, 0];
  const all = await Promise.all(delays.map((d, i) => request('GET', `/${hc}/c${i}?delay=${d}`)));
  all.forEach((res, i) => assert.strictEqual(JSON.parse(res.body).url, `/${hc}/c${i}?delay=${delays[i]}`));
  console.log('ok: responses in any order');

  clearTimeout(deadline);
  server.close();
  console.log('hyco-https interop: ok');
  process.exit(0);
}

main().catch((e) => { console.error('FAIL:', e && e.stack || e); process.exit(1); });
