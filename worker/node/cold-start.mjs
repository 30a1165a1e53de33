// Where a worker engine's cold start goes, in Node: from the module's bytes to
// the first answer, split into compiling the module, instantiating it with
// `ck_init`, and the first request (then the second, for the warm cost). Each
// run is a fresh Node process, since V8 caches compiled modules within one.
//
//   node worker/node/cold-start.mjs BUNDLE_DIR [OTHER_BUNDLE_DIR …]
//   RUNS=7 node worker/node/cold-start.mjs before/ after/   # interleaved
//
// A bundle dir is what `contentkit build --worker -o DIR` writes; the request is
// the reference counter's recorded `inc` step, as scripts/worker-bench.sh sends.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_TYPE, requestBody } from './counter-request.mjs';

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--one') {
    console.log(JSON.stringify(await once(process.argv[3])));
} else {
    const dirs = process.argv.slice(2);
    if (dirs.length === 0) {
        console.error('usage: node cold-start.mjs BUNDLE_DIR [OTHER_BUNDLE_DIR …]');
        process.exit(2);
    }
    const runs = Number(process.env.RUNS ?? '7');
    const results = dirs.map(() => []);
    for (let r = 0; r < runs; r++) {
        dirs.forEach((dir, i) => {
            const out = execFileSync(process.execPath, [here, '--one', dir], { encoding: 'utf8' });
            results[i].push(JSON.parse(out));
        });
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cell = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
    console.log(`${runs} runs each, interleaved; ms, median (min–max)\n`);
    console.log('| bundle | compile | instantiate + ck_init | first request | second request | bytes to first answer |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    dirs.forEach((dir, i) => {
        const col = (k) => results[i].map((x) => x[k]);
        console.log(`| ${dir} | ${cell(col('compile'))} | ${cell(col('init'))} | ${cell(col('first'))} | ${cell(col('second'))} | ${cell(col('total'))} |`);
    });
}

async function once(dir) {
    const bytes = readFileSync(join(dir, 'contentkit.wasm'));
    const head = Buffer.from(`POST\nhttp://localhost/v1\ncontent-type:${CONTENT_TYPE}\n`);
    const body = requestBody;

    const t0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    const t1 = performance.now();
    const init = new Uint8Array(WebAssembly.Module.customSections(module, 'contentkit.init')[0]);
    const { exports: e } = await WebAssembly.instantiate(module, {});
    const copy = (data) => {
        const ptr = e.ck_alloc(data.length);
        new Uint8Array(e.memory.buffer, ptr, data.length).set(data);
        return ptr;
    };
    const status = (ptr) => new DataView(e.memory.buffer).getUint32(ptr + 4, true);
    if (status(e.ck_init(copy(init), init.length)) !== 200) {
        throw new Error(`${dir}: ck_init failed`);
    }
    const t2 = performance.now();
    const request = () => {
        const ptr = e.ck_handle(copy(head), head.length, copy(body), body.length);
        if (status(ptr) !== 200) {
            throw new Error(`${dir}: the request answered ${status(ptr)}`);
        }
    };
    request();
    const t3 = performance.now();
    request();
    const t4 = performance.now();
    return { compile: t1 - t0, init: t2 - t1, first: t3 - t2, second: t4 - t3, total: t3 - t0 };
}
