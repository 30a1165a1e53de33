// The driver of scripts/compare-node.sh: contentkit and the official runtime
// (`@gitbook/runtime` 0.23.3 on Node) answering the same `ui_render` requests,
// timed in turns.
//
//   node benches/node/compare.mjs --rust target/release/examples/bench_peer
//   BENCH_SCALE=0.1 …        a tenth of the iterations (quick runs)
//   BENCH_REPS=9 …           repetitions (default 5, at least 5 for the README)
//   BENCH_ONLY=list_1000 …   one workload (repeatable: comma-separated)
//   … --write DIR            only write each workload's body and expected answer
//                            into DIR and print the peers' command lines (to
//                            profile one side alone)
//
// The workloads: the reference counter (fixtures/reference/counter.tsx, its
// recorded `inc` step) and a list of N rows, toggle one
// (benches/components/list.tsx), at N = 10, 100, 1,000 and 10,000. Both sides load
// the same .tsx file: Node through esbuild and the runtime (peer.mjs), contentkit
// through `component::file::load` (examples/bench_peer.rs).
//
// For each workload this script writes one multipart body (the bytes GitBook's
// dispatcher sends: an `event` and an `environment` part) and the expected
// answer (written as plain data here, independently of either side), then starts
// one process per side. Each side answers the body once and checks its answer
// against the expected one; this script then checks that both read the same
// request bytes and wrote the same response bytes (sha256). Then, after a
// warm-up, each repetition times `iterations` requests on one side and then on
// the other, alternating which goes first, so that a slow spell of the machine
// falls on both. Last, each side reports its peak RSS, and its process ends.
//
// Prints a Markdown table: per workload and side, the median ns/op over the
// repetitions with the min–max, Node's median ÷ contentkit's median, and each
// process's peak RSS. Exits 1 when a side fails a check or the two disagree.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Peer, median } from './peers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

const { values: args } = parseArgs({
    options: {
        rust: { type: 'string', default: join(REPO, 'target/release/examples/bench_peer') },
        json: { type: 'string' },
        write: { type: 'string' },
    },
});

const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0)) {
    throw new Error(`BENCH_SCALE must be a positive number, not ${process.env.BENCH_SCALE}`);
}
const reps = Number(process.env.BENCH_REPS ?? '5');
if (!Number.isInteger(reps) || reps < 1) {
    throw new Error(`BENCH_REPS must be a positive integer, not ${process.env.BENCH_REPS}`);
}
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const scaled = (n) => Math.max(1, Math.round(n * scale));

// ---- the workloads -------------------------------------------------------------

const readJson = (path) => JSON.parse(readFileSync(join(REPO, path), 'utf8'));
const recorded = readJson('fixtures/reference/runtime-outputs.json');
// Compact, as GitBook's dispatcher sends it.
const environment = JSON.stringify(readJson('fixtures/events/environment.json'));

const counterInc = recorded.counter[1];
if (counterInc.request.action?.action !== 'inc') {
    throw new Error('runtime-outputs.json: counter[1] is no longer the `inc` step');
}

function listItems(rows) {
    return Array.from({ length: rows }, (_, i) => ({ label: `Task ${i + 1}`, done: i % 3 === 0 }));
}

function listEvent(rows) {
    return {
        eventId: 'e',
        type: 'ui_render',
        installationId: 'inst_1',
        spaceId: 'space_1',
        componentId: 'list',
        props: {},
        context: { type: 'document', theme: 'light', spaceId: 'space_1', editable: true },
        state: { items: listItems(rows) },
        action: { action: 'toggle', index: Math.floor(rows / 2) },
    };
}

// The answer written as plain data, not by a JSX factory, so that a mistake in the
// component cannot hide in its own expectation.
function listOutput(rows) {
    const toggled = Math.floor(rows / 2);
    const items = listItems(rows).map((item, i) => (i === toggled ? { ...item, done: !item.done } : item));
    const children = items.map((item, i) => ({
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
        element: { type: 'block', children: [{ type: 'vstack', children }] },
    };
}

// Iterations per repetition: about half a second of Node's time each, so a
// repetition is long enough to smooth the timer and short enough to interleave.
const workloads = [
    {
        name: 'counter',
        label: 'counter `inc` (reference)',
        component: 'fixtures/reference/counter.tsx',
        event: counterInc.request,
        expected: counterInc.output,
        iterations: 5000,
    },
    ...[
        [10, 5000],
        [100, 2000],
        [1000, 200],
        [10000, 20],
    ].map(([rows, iterations]) => ({
        name: `list_${rows}`,
        label: `list of ${rows.toLocaleString('en-US')} rows, toggle one`,
        component: 'benches/components/list.tsx',
        event: listEvent(rows),
        expected: listOutput(rows),
        iterations,
    })),
].filter((w) => !only || only.includes(w.name));
if (workloads.length === 0) {
    throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY} names no workload`);
}

// ---- the request, as GitBook's dispatcher sends it ---------------------------------

const BOUNDARY = 'contentkit-bench-boundary';

// The parts FormData sends for string values (a name, no per-part content type),
// written out so that the exact bytes are known.
function multipartBody(fields) {
    let text = '';
    for (const [name, value] of fields) {
        text += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    text += `--${BOUNDARY}--\r\n`;
    return Buffer.from(text, 'utf8');
}

// ---- the runs ------------------------------------------------------------------------


/** Writes a workload's request body and expected answer into `dir`; the peers' arguments. */
function prepare(w, dir) {
    const body = join(dir, `${w.name}.body`);
    const expected = join(dir, `${w.name}.expected.json`);
    writeFileSync(body, multipartBody([['event', JSON.stringify(w.event)], ['environment', environment]]));
    writeFileSync(expected, JSON.stringify(w.expected));
    return ['--component', join(REPO, w.component), '--body', body, '--boundary', BOUNDARY, '--expected', expected];
}

if (args.write) {
    mkdirSync(args.write, { recursive: true });
    for (const w of workloads) {
        const common = prepare(w, resolve(args.write)).join(' ');
        console.log(`${w.name}:\n  ${args.rust} ${common}\n  node ${join(HERE, 'peer.mjs')} ${common}`);
    }
    process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'contentkit-compare-'));
const results = [];
let problems = 0;
try {
    for (const w of workloads) {
        const common = prepare(w, work);
        const peers = {
            node: new Peer('node', process.execPath, [join(HERE, 'peer.mjs'), ...common]),
            contentkit: new Peer('contentkit', args.rust, common),
        };
        const ready = {};
        try {
            for (const [side, peer] of Object.entries(peers)) {
                ready[side] = await peer.next();
            }
        } catch (err) {
            console.error(`${w.name}: ${err.message}`);
            problems += 1;
            await Promise.all(Object.values(peers).map((p) => p.close()));
            continue;
        }
        // Same request bytes in, same response bytes out, or the timings are not of
        // the same work.
        let same = true;
        for (const key of ['request_sha256', 'response_sha256']) {
            if (ready.node[key] !== ready.contentkit[key]) {
                console.error(`${w.name}: ${key} differs: node ${ready.node[key]}, contentkit ${ready.contentkit[key]}`);
                same = false;
            }
        }
        if (!same) {
            problems += 1;
            await Promise.all(Object.values(peers).map((p) => p.close()));
            continue;
        }
        const iterations = scaled(w.iterations);
        console.error(`== ${w.name}: ${reps} repetitions of ${iterations} requests per side`);
        const perOp = { node: [], contentkit: [] };
        for (const peer of Object.values(peers)) {
            await peer.run(Math.max(1, Math.round(iterations / 2)));
        }
        for (let rep = 0; rep < reps; rep++) {
            const order = rep % 2 === 0 ? ['contentkit', 'node'] : ['node', 'contentkit'];
            for (const side of order) {
                perOp[side].push(await peers[side].run(iterations));
            }
        }
        const rss = {};
        for (const [side, peer] of Object.entries(peers)) {
            rss[side] = await peer.rss();
            const status = await peer.close();
            if (status !== 0) {
                console.error(`${w.name}: ${side} exited with status ${status}`);
                problems += 1;
            }
        }
        const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });
        results.push({
            workload: w.name,
            label: w.label,
            iterations,
            repetitions: reps,
            request_sha256: ready.node.request_sha256,
            response_sha256: ready.node.response_sha256,
            response_bytes: ready.node.response_bytes,
            node: { ...summary(perOp.node), peak_rss_kib: rss.node },
            contentkit: { ...summary(perOp.contentkit), peak_rss_kib: rss.contentkit },
        });
    }
} finally {
    rmSync(work, { recursive: true, force: true });
}

// ---- the table -----------------------------------------------------------------------

const time = (ns) => {
    if (ns >= 1e6) return `${(ns / 1e6).toPrecision(3)} ms`;
    if (ns >= 1e3) return `${(ns / 1e3).toPrecision(3)} µs`;
    return `${Math.round(ns)} ns`;
};
const span = (s) => `${time(s.median)} (${time(s.min)}–${time(s.max)})`;
const mib = (kib) => (kib == null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

const header = ['workload', 'Node median (min–max)', 'contentkit median (min–max)', 'Node ÷ contentkit', 'peak RSS Node', 'peak RSS contentkit'];
const rows = results.map((r) => [
    r.label,
    span(r.node),
    span(r.contentkit),
    `${(r.node.median / r.contentkit.median).toFixed(1)}×`,
    mib(r.node.peak_rss_kib),
    mib(r.contentkit.peak_rss_kib),
]);
console.log(`| ${header.join(' | ')} |`);
console.log(`| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`);
for (const row of rows) {
    console.log(`| ${row.join(' | ')} |`);
}
console.log(`
Per request, from the multipart body bytes in memory to the response body bytes;
${reps} interleaved repetitions per workload (iterations each: ${results.map((r) => `${r.workload} ${r.iterations}`).join(', ')}),
after a warm-up; ${process.version}. Both sides read the same request bytes and wrote the
same response bytes (sha256 checked). Peak RSS: of each side's process, over its whole run.`);
if (args.json) {
    writeFileSync(args.json, JSON.stringify({ node: process.version, results }, null, 2) + '\n');
}
process.exit(problems > 0 ? 1 : 0);
