// The Node side of scripts/compare-node.sh: one workload (a component file and
// one multipart request body) timed through the official runtime
// (`@gitbook/runtime` 0.23.3), driven over stdin by compare.mjs, which runs
// examples/bench_peer.rs (contentkit) the same way and alternates between the two.
//
//   node benches/node/peer.mjs --component FILE.tsx --body BODY --boundary B --expected EXPECTED.json
//
// The component file is built and served as integration.mjs says.
// The body is answered once and checked against EXPECTED.json, then it prints
// {"ready":true,"request_sha256":…,"response_sha256":…,"response_bytes":N}
// and reads commands, one per line:
//   run N  answers the request N times in a row, prints {"ns":<total>}
//   rss    prints {"peak_rss_kib":N} (process.resourceUsage().maxRSS)
// End of input ends it.
//
// One operation, from the body bytes in memory to the response body text:
// new Request(…) over those bytes, integration.fetch (URL and version check,
// request.formData() multipart parse, JSON.parse of `event` and `environment`,
// createContext with its two GitBookAPI clients, the component's action and
// render, JSON.stringify, new Response), then response.text(). The runtime's
// per-request console.log line is silenced, as contentkit has no log
// subscriber here: printing it would time the terminal, not the runtime.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual, parseArgs } from 'node:util';

import { loadIntegration } from './integration.mjs';

const { values: args } = parseArgs({
    options: {
        component: { type: 'string' },
        body: { type: 'string' },
        boundary: { type: 'string' },
        expected: { type: 'string' },
    },
});
for (const name of ['component', 'body', 'boundary', 'expected']) {
    if (!args[name]) {
        console.error(`peer.mjs: missing --${name}`);
        process.exit(2);
    }
}

let integration;
try {
    integration = await loadIntegration(args.component);
} catch (error) {
    console.error(`peer.mjs: ${error.message}`);
    process.exit(2);
}


const body = new Uint8Array(readFileSync(args.body));
const expectedText = readFileSync(args.expected, 'utf8');
const contentType = `multipart/form-data; boundary=${args.boundary}`;
// `fetch(request, env, ctx)`: `env` (the Workers bindings) is not read by the
// runtime; `ctx` only for its waitUntil, which no component here calls.
const env = {};
const ctx = { waitUntil() {}, passThroughOnException() {} };

async function call() {
    const request = new Request('http://localhost/v1', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
    });
    const response = await integration.fetch(request, env, ctx);
    const text = await response.text();
    if (response.status !== 200) {
        throw new Error(`status ${response.status}: ${text}`);
    }
    return text;
}

const log = console.log;
const quiet = () => {
    console.log = console.debug = console.info = () => {};
};
quiet();
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

const first = await call();
// The same text, else the same JSON (as on the contentkit side).
if (first !== expectedText && !isDeepStrictEqual(JSON.parse(first), JSON.parse(expectedText))) {
    console.error(`peer.mjs: the first response is not the expected output:\n${first.slice(0, 2000)}`);
    process.exit(1);
}
say({
    ready: true,
    request_sha256: sha256(body),
    response_sha256: sha256(first),
    response_bytes: Buffer.byteLength(first),
});

for await (const line of createInterface({ input: process.stdin })) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'run' && words.length === 2 && /^\d+$/.test(words[1])) {
        const n = Number(words[1]);
        const start = process.hrtime.bigint();
        for (let i = 0; i < n; i++) {
            await call();
        }
        say({ ns: Number(process.hrtime.bigint() - start) });
    } else if (words[0] === 'rss') {
        say({ peak_rss_kib: process.resourceUsage().maxRSS });
    } else if (words[0] !== '') {
        console.error(`peer.mjs: unknown command ${JSON.stringify(line)}`);
        process.exit(2);
    }
}
console.log = log;
