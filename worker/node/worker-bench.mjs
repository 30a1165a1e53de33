// The workerd side of scripts/worker-bench.sh: the contentkit worker and the
// official runtime (@gitbook/runtime 0.23.3, bundled with esbuild) serving the
// reference counter under the same workerd, measured the same way.
//
//   node worker/node/worker-bench.mjs BUNDLE_DIR WORK_DIR
//
// BUNDLE_DIR is `contentkit build --worker` of fixtures/reference/counter.ckx.
// Each side runs behind the same harness module, which answers
// `POST /bench?n=N` by passing N fresh `Request`s built from the posted bytes
// through the worker's own `fetch` and reading each response body: the HTTP
// hop is paid once per N operations, so what is timed is the runtime's
// `ui_render`, multipart parse to response bytes, inside workerd's V8.
//
// - speed: both workerd processes run at once; rounds alternate which side
//   goes first; ns/op per round, median and min–max over the rounds. The
//   request bytes are the same for both sides, and the last response body of
//   every round must be byte-identical between the sides and equal (as JSON)
//   to the recorded output of the official runtime.
// - floor: an empty worker behind the same harness runs in the same rounds;
//   what each runtime adds beyond it is its own cost of a request.
// - cold start: `workerd serve` spawned, then a request retried every
//   millisecond until it is answered 200; spawn-to-answer time, median and
//   min–max of several starts, beside an empty worker's (workerd's own start).
// - peak memory: each workerd's VmHWM (Linux) at the end of the speed runs.
//
// Prints a table, and exits non-zero when a check fails.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import { CONTENT_TYPE, requestBody, step } from './counter-request.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const [bundleDir, workDir] = process.argv.slice(2).map((p) => resolve(p));
if (!bundleDir || !workDir) {
    console.error('usage: node worker-bench.mjs BUNDLE_DIR WORK_DIR');
    process.exit(2);
}
const WORKERD = join(here, 'node_modules/.bin/workerd');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '15');
const OPS = Number(process.env.BENCH_OPS ?? '2000');
const STARTS = Number(process.env.BENCH_STARTS ?? '7');

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// ---- the workers ---------------------------------------------------------------

// The same harness in front of both: /bench runs the worker N times in-process.
const HARNESS = `import worker from './integration.mjs';
// The official runtime logs a line per request; both sides are silenced alike.
console.log = console.info = console.debug = () => {};
export default {
    async fetch(request, env, ctx) {
        const url = new URL(request.url);
        if (url.pathname !== '/bench') {
            return worker.fetch(request, env, ctx);
        }
        const n = Number(url.searchParams.get('n'));
        const contentType = request.headers.get('content-type');
        const body = new Uint8Array(await request.arrayBuffer());
        let last = new Uint8Array(0);
        for (let i = 0; i < n; i++) {
            const response = await worker.fetch(
                new Request('http://localhost/v1', { method: 'POST', headers: { 'content-type': contentType }, body }),
                env,
                ctx,
            );
            last = new Uint8Array(await response.arrayBuffer());
            if (response.status !== 200) {
                return new Response(last, { status: response.status });
            }
        }
        return new Response(last, { headers: { 'content-type': 'application/json' } });
    },
};
`;

// Reads the body, as both runtimes must, and answers a constant.
const EMPTY = `export default {
    async fetch(request) {
        await request.arrayBuffer();
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
    },
};
`;

function capnp(addr, modules) {
    const list = modules.map(([name, kind, file]) => `    (name = "${name}", ${kind} = embed "${file}"),`).join('\n');
    return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "${addr}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
${list}
  ],
  compatibilityDate = "2025-01-01",
);
`;
}

async function freePort() {
    return new Promise((ok, fail) => {
        const server = createServer();
        server.once('error', fail);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => ok(port));
        });
    });
}

async function referenceBundle(dir) {
    const entry = join(dir, 'entry.mjs');
    writeFileSync(
        entry,
        `import { createIntegration } from '@gitbook/runtime';
import { counter } from ${JSON.stringify(join(repo, 'fixtures/reference/counter.tsx'))};
export default createIntegration({ components: [counter] });
`,
    );
    // What an integration's own build does: one ES module, JSX through the
    // runtime's factory, MODE set for production (its /v1 check is on).
    await build({
        entryPoints: [entry],
        outfile: join(dir, 'reference.mjs'),
        bundle: true,
        format: 'esm',
        platform: 'browser',
        conditions: ['workerd', 'worker', 'browser'],
        jsx: 'automatic',
        jsxImportSource: '@gitbook/runtime',
        define: { MODE: '"production"' },
        nodePaths: [join(here, 'node_modules')],
        minify: true,
        logLevel: 'warning',
    });
}

/** A side's folder: the harness in front of its `integration.mjs`, plus `extra` modules. */
function side(name, extra = []) {
    const dir = join(workDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'harness.mjs'), HARNESS);
    const modules = [
        ['harness.mjs', 'esModule', 'harness.mjs'],
        ['integration.mjs', 'esModule', 'integration.mjs'],
        ...extra,
    ];
    return { dir, modules };
}

async function prepare() {
    mkdirSync(workDir, { recursive: true });
    const sides = {};
    const ck = side('contentkit', [['contentkit.wasm', 'wasm', 'contentkit.wasm']]);
    copyFileSync(join(bundleDir, 'worker.mjs'), join(ck.dir, 'integration.mjs'));
    copyFileSync(join(bundleDir, 'contentkit.wasm'), join(ck.dir, 'contentkit.wasm'));
    const size = (dir, file) => statSync(join(dir, file)).size;
    sides.contentkit = {
        ...ck,
        sizes: { 'worker.mjs': size(ck.dir, 'integration.mjs'), 'contentkit.wasm': size(ck.dir, 'contentkit.wasm') },
    };
    const ref = side('reference');
    await referenceBundle(ref.dir);
    copyFileSync(join(ref.dir, 'reference.mjs'), join(ref.dir, 'integration.mjs'));
    sides.reference = { ...ref, sizes: { 'reference.mjs': size(ref.dir, 'reference.mjs') } };
    // An empty worker behind the same harness: workerd's own cost of a
    // request (the Request, its body read, a Response), the floor under both.
    const empty = side('empty');
    writeFileSync(join(empty.dir, 'integration.mjs'), EMPTY);
    sides.empty = { ...empty, sizes: {} };
    return sides;
}

// ---- running workerd ---------------------------------------------------------------

async function start(side) {
    const port = await freePort();
    const addr = `127.0.0.1:${port}`;
    writeFileSync(join(side.dir, 'config.capnp'), capnp(addr, side.modules));
    const began = process.hrtime.bigint();
    const child = spawn(WORKERD, ['serve', 'config.capnp'], { cwd: side.dir, stdio: ['ignore', 'ignore', 'inherit'] });
    let exited = null;
    child.once('exit', (code) => (exited = code));
    const url = `http://${addr}/v1`;
    for (;;) {
        if (exited !== null) {
            throw new Error(`workerd exited (${exited}) in ${side.dir}`);
        }
        try {
            const response = await fetch(url, { method: 'POST', headers: { 'content-type': CONTENT_TYPE }, body: requestBody });
            await response.arrayBuffer();
            if (response.status !== 200) {
                throw new Error(`${side.dir}: first request answered ${response.status}`);
            }
            break;
        } catch (error) {
            if (error.cause?.code !== 'ECONNREFUSED') {
                throw error;
            }
            await new Promise((ok) => setTimeout(ok, 1));
        }
    }
    const coldMs = Number(process.hrtime.bigint() - began) / 1e6;
    return { child, addr, coldMs };
}

function stop(server) {
    return new Promise((ok) => {
        server.child.once('exit', ok);
        server.child.kill('SIGTERM');
    });
}

function peakRssMiB(pid) {
    try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
        return kb / 1024;
    } catch {
        return NaN;
    }
}

async function benchRound(server, n) {
    const began = process.hrtime.bigint();
    const response = await fetch(`http://${server.addr}/bench?n=${n}`, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE },
        body: requestBody,
    });
    const body = Buffer.from(await response.arrayBuffer());
    const ns = Number(process.hrtime.bigint() - began);
    if (response.status !== 200) {
        throw new Error(`bench answered ${response.status}: ${body}`);
    }
    return { nsPerOp: ns / n, body };
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

// ---- the run ---------------------------------------------------------------------

const sides = await prepare();
let problems = 0;

// Cold starts, interleaved: empty, contentkit, reference, then again.
const cold = { empty: [], contentkit: [], reference: [] };
for (let i = 0; i < STARTS; i++) {
    for (const name of ['empty', 'contentkit', 'reference']) {
        const server = await start(sides[name]);
        cold[name].push(server.coldMs);
        await stop(server);
    }
}

// Speed: the three running, rounds interleaved, the order rotating.
const SIDES = ['contentkit', 'reference', 'empty'];
const servers = Object.fromEntries(await Promise.all(SIDES.map(async (name) => [name, await start(sides[name])])));
for (const name of SIDES) {
    await benchRound(servers[name], Math.max(1, OPS >> 2)); // warm-up: JIT, caches
}
const times = { contentkit: [], reference: [], empty: [] };
const expected = JSON.stringify(step.output);
for (let round = 0; round < ROUNDS; round++) {
    const order = [...SIDES.slice(round % 3), ...SIDES.slice(0, round % 3)];
    const bodies = {};
    for (const name of order) {
        const { nsPerOp, body } = await benchRound(servers[name], OPS);
        times[name].push(nsPerOp);
        bodies[name] = body;
    }
    if (!bodies.contentkit.equals(bodies.reference)) {
        problems += 1;
        console.error(`round ${round}: the responses differ:\n contentkit ${bodies.contentkit}\n reference  ${bodies.reference}`);
    }
    if (!isDeepStrictEqual(JSON.parse(bodies.contentkit), step.output)) {
        problems += 1;
        console.error(`round ${round}: the response is not the recorded output:\n ${bodies.contentkit}\n ${expected}`);
    }
    if (round === 0) {
        console.log(`request sha256 ${sha256(requestBody)} (${requestBody.length} bytes), response sha256 ${sha256(bodies.contentkit)} on both sides`);
    }
}
const peaks = Object.fromEntries(SIDES.map((name) => [name, peakRssMiB(servers[name].child.pid)]));
for (const name of SIDES) {
    await stop(servers[name]);
}

// ---- the report ------------------------------------------------------------------

const fmt = (x, digits = 1) => x.toFixed(digits);
const range = (s, digits) => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
const ck = stats(times.contentkit);
const ref = stats(times.reference);
const floor = stats(times.empty);
console.log('');
console.log(`workerd ${process.env.WORKERD_VERSION ?? ''}; ${ROUNDS} rounds of ${OPS} ui_render requests per side, ${STARTS} cold starts per worker`);
console.log('');
console.log('| worker | ui_render µs/op, median (min–max) | peak RSS MiB | cold start ms, median (min–max) | files |');
console.log('| --- | ---: | ---: | ---: | --- |');
const files = (s) => Object.entries(s.sizes).map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KiB`).join(', ');
console.log(`| contentkit | ${range({ median: ck.median / 1e3, min: ck.min / 1e3, max: ck.max / 1e3 }, 1)} | ${fmt(peaks.contentkit)} | ${range(stats(cold.contentkit), 1)} | ${files(sides.contentkit)} |`);
console.log(`| @gitbook/runtime 0.23.3 | ${range({ median: ref.median / 1e3, min: ref.min / 1e3, max: ref.max / 1e3 }, 1)} | ${fmt(peaks.reference)} | ${range(stats(cold.reference), 1)} | ${files(sides.reference)} |`);
console.log(`| empty worker (workerd's own cost) | ${range({ median: floor.median / 1e3, min: floor.min / 1e3, max: floor.max / 1e3 }, 1)} | ${fmt(peaks.empty)} | ${range(stats(cold.empty), 1)} | |`);
console.log('');
console.log(`speed-up (median reference / median contentkit): ${fmt(ref.median / ck.median, 2)}x`);
// What each runtime adds to workerd's own cost of a request. The empty worker
// answers 2 bytes where both runtimes answer the same ~1.5 KB, so the floor is
// a little low and this ratio errs towards 1.
const beyond = (name) => median(times[name]) - floor.median;
console.log(
    `beyond the empty worker: contentkit ${fmt(beyond('contentkit') / 1e3)} µs, reference ${fmt(beyond('reference') / 1e3)} µs, ` +
        `speed-up ${fmt(beyond('reference') / beyond('contentkit'), 2)}x`,
);
const startCost = (name) => median(cold[name]) - median(cold.empty);
console.log(`cold start beyond an empty worker: contentkit ${fmt(startCost('contentkit'))} ms, reference ${fmt(startCost('reference'))} ms`);
process.exit(problems > 0 ? 1 : 0);
