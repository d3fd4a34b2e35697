// A hyco-ws listener that echoes every message with its type. Usage: node hyco_listener.js LISTEN_URI KEY_NAME KEY
// Prints LISTENING once the control channel is up, ACCEPTED per connection.
'use strict';
const WebSocket = require('hyco-ws');
const [uri, keyName, key] = process.argv.slice(2);
const tokenUri = uri.replace(/^wss?:/, 'http:').replace('/$hc/', '/').replace(/\?.*$/, '');
const server = WebSocket.createRelayedServer(
  { server: uri, token: () => WebSocket.createRelayToken(tokenUri, keyName, key) },
  (ws) => {
    console.log('ACCEPTED');
    ws.on('message', (data, flags) => ws.send(data, { binary: !!(flags && flags.binary) }));
    ws.on('error', (e) => console.log('SOCKET ERROR ' + e));
  });
server.on('listening', () => console.log('LISTENING'));
server.on('error', (e) => console.log('ERROR ' + (e && e.message ? e.message : e)));
process.on('SIGTERM', () => { server.close(); process.exit(0); });
