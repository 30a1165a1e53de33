// The Node side of scripts/compare-http.sh: the official runtime
// (`@gitbook/runtime` 0.23.3) serving a component file behind Node's own HTTP
// server, as `contentkit serve FILE` serves it on the other side.
//
//   node benches/node/http-peer.mjs --component FILE.tsx --addr 127.0.0.1:PORT
//
// The component file is built and served as integration.mjs says. Each HTTP
// request becomes a fetch `Request` (method, URL, headers, the body read
// whole), goes through `integration.fetch`, and its `Response` is written back
// (status, headers, body). Prints `listening on ADDR` to stderr once it
// listens. The runtime's per-request console.log line is silenced, as
// contentkit serve logs nothing per request either.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { loadIntegration } from './integration.mjs';

const { values: args } = parseArgs({
    options: { component: { type: 'string' }, addr: { type: 'string' } },
});
if (!args.component || !args.addr) {
    console.error('usage: node http-peer.mjs --component FILE.tsx --addr HOST:PORT');
    process.exit(2);
}
const [host, port] = [args.addr.slice(0, args.addr.lastIndexOf(':')), Number(args.addr.split(':').pop())];

const integration = await loadIntegration(args.component);
console.log = console.debug = console.info = () => {};
// `env` (Workers bindings) is not read by the runtime; `ctx` only for waitUntil.
const env = {};
const ctx = { waitUntil() {}, passThroughOnException() {} };

async function answer(req, res) {
    const chunks = [];
    for await (const chunk of req) {
        chunks.push(chunk);
    }
    const request = new Request(`http://${args.addr}${req.url}`, {
        method: req.method,
        headers: req.headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const response = await integration.fetch(request, env, ctx);
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(body);
}

const server = createServer((req, res) => {
    answer(req, res).catch((error) => {
        console.error(error);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
    });
});
server.keepAliveTimeout = 60_000;
server.listen(port, host, () => console.error(`listening on ${args.addr}`));
