// The Node side of scripts/compare-node.sh: times `ui_render` requests through
// the official runtime (`@gitbook/runtime` 0.23.3), the way GitBook calls an
// integration: `createIntegration({ components }).fetch(request, env, ctx)`.
//
//   node benches/node/compare.mjs            # one JSON line per workload
//   BENCH_SCALE=0.1 node benches/node/compare.mjs      # fewer iterations
//   BENCH_ONLY=counter_inc node benches/node/compare.mjs  # one workload
//
// Each line: {"runtime":"node","workload":…,"entry":"multipart","iterations":N,
// "rounds":R,"ns_per_op":<median round>,"min_ns_per_op":…,"request_sha256":…,
// "response_sha256":…}. examples/bench_peer.rs prints the same lines for
// contentkit; the hashes let the compare script prove both sides were given
// the same bytes and answered the same bytes.
//
// What one timed operation includes, from a multipart body already in memory
// (byte-identical to the one bench_peer.rs builds):
//   new Request(…) over those bytes, integration.fetch (URL and version check,
//   request.formData() multipart parse, JSON.parse of `event` and
//   `environment`, createContext with its two GitBookAPI clients, the
//   component's action and render, JSON.stringify, new Response), then
//   response.text() to take the body out of the Response.
// Not included: encoding the multipart body (GitBook's dispatcher does that,
// and the bytes arrive over the network), and parsing the response JSON (the
// caller's work, not the runtime's; it is parsed once, for the check).
// The runtime logs one console.log line per request; console.log/debug/info
// are silenced while timing, since the Rust side has no log subscriber either
// and printing 10^4 lines would time the terminal, not the runtime.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { register } from 'tsx/esm/api';

// @gitbook/runtime is published as TypeScript source only (its package.json
// points `main` and `exports` at src/*.ts), so Node needs a loader to import
// it. tsx strips the types with esbuild (the bundler the runtime package
// itself lists in its devDependencies), once, at import; the timed code is
// the runtime's own, and ours stays plain JavaScript.
register();

// The runtime reads the Workers global `MODE`; 'production' turns on the
// `/v1` version check that every real request goes through (contentkit always
// checks it).
globalThis.MODE = 'production';

const { createIntegration } = await import('@gitbook/runtime');
const { counter, list } = await import('./components.mjs');

const repo = new URL('../../', import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, repo), 'utf8'));

const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0)) {
    throw new Error(`BENCH_SCALE must be a positive number, not ${process.env.BENCH_SCALE}`);
}
const scaled = (n) => Math.max(1, Math.round(n * scale));
const ROUNDS = 5;

// ---- the workloads (examples/bench_peer.rs builds the same bytes) ----------

const recorded = readJson('fixtures/reference/runtime-outputs.json');
// Serialized compactly so the bytes match serde_json's on the Rust side.
const environmentJson = JSON.stringify(readJson('fixtures/events/environment.json'));

// The second recorded counter step: state {count: 5}, action `inc`, whose
// recorded answer is the expected output.
const counterInc = recorded.counter[1];
if (counterInc.request.action?.action !== 'inc') {
    throw new Error('runtime-outputs.json: counter[1] is no longer the `inc` step');
}

const LIST_ROWS = 1000;
const LIST_TOGGLED = 500;
const listItems = Array.from({ length: LIST_ROWS }, (_, i) => ({
    label: `Task ${i + 1}`,
    done: i % 3 === 0,
}));
const listEvent = {
    eventId: 'e',
    type: 'ui_render',
    installationId: 'inst_1',
    spaceId: 'space_1',
    componentId: 'list',
    props: {},
    context: { type: 'document', theme: 'light', spaceId: 'space_1', editable: true },
    state: { items: listItems },
    action: { action: 'toggle', index: LIST_TOGGLED },
};

// The expected answer written as plain data, independently of the JSX
// factory, so a mistake in the component cannot hide in its own expectation.
function expectedListOutput() {
    const items = listItems.map((item, i) => (i === LIST_TOGGLED ? { ...item, done: !item.done } : item));
    const rows = items.map((item, i) => ({
        type: 'hstack',
        align: 'center',
        children: [
            { type: 'text', children: [item.label] },
            {
                type: 'button',
                label: item.done ? 'Undo' : 'Done',
                style: item.done ? 'secondary' : 'primary',
                onPress: { action: 'toggle', index: i },
            },
        ],
    }));
    return {
        type: 'element',
        state: { items },
        props: {},
        element: { type: 'block', children: [{ type: 'vstack', children: rows }] },
    };
}

const workloads = [
    {
        name: 'counter_inc',
        event: counterInc.request,
        expected: counterInc.output,
        warmup: scaled(2000),
        iterations: scaled(10000),
    },
    {
        name: 'list_toggle_1000',
        event: listEvent,
        expected: expectedListOutput(),
        warmup: scaled(50),
        iterations: scaled(200),
    },
];

// ---- the request, as GitBook's dispatcher sends it ---------------------------

const URL_V1 = 'http://localhost/v1';
const BOUNDARY = 'contentkit-bench-boundary';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

// Built by hand rather than from a FormData so that the exact bytes are known
// and can be rebuilt identically in Rust; the parts are what FormData sends
// for string values (a name, no per-part content type).
function multipartBody(fields) {
    let text = '';
    for (const [name, value] of fields) {
        text += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    text += `--${BOUNDARY}--\r\n`;
    return new Uint8Array(Buffer.from(text, 'utf8'));
}

const integration = createIntegration({ components: [counter, list] });
// `fetch(request, env, ctx)`: `env` (the Workers bindings) is not read by the
// runtime; `ctx` only for its waitUntil, which createContext wraps but no
// component here calls.
const env = {};
const ctx = { waitUntil() {}, passThroughOnException() {} };

// One operation: everything from the body bytes to the response body text.
async function call(body) {
    const request = new Request(URL_V1, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE },
        body,
    });
    const response = await integration.fetch(request, env, ctx);
    const text = await response.text();
    if (response.status !== 200) {
        throw new Error(`status ${response.status}: ${text}`);
    }
    return text;
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// The runtime's per-request log lines are silenced around every call below.
const quiet = { log: console.log, debug: console.debug, info: console.info };
function silence(on) {
    const noop = () => {};
    console.log = on ? noop : quiet.log;
    console.debug = on ? noop : quiet.debug;
    console.info = on ? noop : quiet.info;
}

// ---- correctness: the port replays every recorded counter step ---------------

let failures = 0;
for (const [i, step] of recorded.counter.entries()) {
    const body = multipartBody([
        ['event', JSON.stringify(step.request)],
        ['environment', environmentJson],
    ]);
    silence(true);
    const output = JSON.parse(await call(body));
    silence(false);
    if (!isDeepStrictEqual(output, step.output)) {
        failures += 1;
        console.error(`node: counter step ${i} differs from the recording:\n${JSON.stringify(output)}`);
    }
}

// ---- timing -------------------------------------------------------------------

// BENCH_ONLY=name times one workload (for profiling one at a time).
const only = process.env.BENCH_ONLY;
const lines = [];
for (const workload of workloads) {
    if (only && only !== workload.name) {
        continue;
    }
    const body = multipartBody([
        ['event', JSON.stringify(workload.event)],
        ['environment', environmentJson],
    ]);
    silence(true);
    const first = await call(body);
    silence(false);
    if (!isDeepStrictEqual(JSON.parse(first), workload.expected)) {
        failures += 1;
        console.error(`node: ${workload.name}: the first response is not the expected output:\n${first.slice(0, 2000)}`);
        continue;
    }

    silence(true);
    for (let i = 0; i < workload.warmup; i++) {
        await call(body);
    }
    const perOp = [];
    for (let round = 0; round < ROUNDS; round++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < workload.iterations; i++) {
            await call(body);
        }
        const elapsed = process.hrtime.bigint() - start;
        perOp.push(Number(elapsed) / workload.iterations);
    }
    silence(false);
    perOp.sort((a, b) => a - b);

    lines.push({
        runtime: 'node',
        workload: workload.name,
        entry: 'multipart',
        iterations: workload.iterations,
        rounds: ROUNDS,
        ns_per_op: Math.round(perOp[Math.floor(ROUNDS / 2)]),
        min_ns_per_op: Math.round(perOp[0]),
        request_sha256: sha256(body),
        response_sha256: sha256(first),
    });
}

for (const line of lines) {
    console.log(JSON.stringify(line));
}
if (failures > 0) {
    console.error(`node: ${failures} correctness check(s) failed`);
    process.exit(1);
}
