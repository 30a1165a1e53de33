// The Node side of scripts/compare-compile.sh: htm's parse of the markup page,
// driven over stdin by compare-compile.mjs, which runs examples/bench_compile.rs
// (contentkit) the same way and alternates between the two.
//
//   node benches/node/compile-peer.mjs --page PAGE.json
//
// PAGE.json holds the page as a tagged template receives it: `statics`, the text
// between the expressions, and `exprs`, the expressions' source (contentkit reads
// each as `{expr}` in the same place). One operation is htm's `build(statics)`: the
// parse of the whole text into htm's compiled form, the work `htm` does once per
// template before it evaluates it (its cache is keyed by the statics array, so
// calling `build` is what a first use costs). JavaScript has already parsed the
// expressions by then; contentkit parses them too.
// It prints {"ready":true,"text_sha256":…,"bytes":N} (the text as contentkit reads
// it) and reads commands, one per line:
//   run N  parses the page N times in a row, prints {"ns":<total>}
//   rss    prints {"peak_rss_kib":N} (process.resourceUsage().maxRSS)
// End of input ends it.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

// htm's package maps its files with a folder export Node no longer reads, so its
// parser module is imported by path.
const { build } = await import(new URL('./node_modules/htm/src/build.mjs', import.meta.url));

const { values: args } = parseArgs({ options: { page: { type: 'string' } } });
if (!args.page) {
    console.error('compile-peer.mjs: missing --page');
    process.exit(2);
}
const page = JSON.parse(readFileSync(args.page, 'utf8'));
const statics = page.statics;
let text = statics[0];
for (let i = 0; i < page.exprs.length; i += 1) {
    text += `{${page.exprs[i]}}${statics[i + 1]}`;
}

// The page must parse into one root element, or the timings are of something else.
const built = build(statics);
if (!Array.isArray(built) || built.length < 3) {
    console.error('compile-peer.mjs: htm did not parse the page');
    process.exit(1);
}

const sha = createHash('sha256').update(text, 'utf8').digest('hex');
console.log(JSON.stringify({ ready: true, text_sha256: sha, bytes: Buffer.byteLength(text) }));

let sink = 0;
for await (const line of createInterface({ input: process.stdin })) {
    const [command, n] = line.trim().split(' ');
    if (command === 'run') {
        const count = Number(n) || 1;
        const start = process.hrtime.bigint();
        for (let i = 0; i < count; i += 1) {
            sink += build(statics).length;
        }
        console.log(JSON.stringify({ ns: Number(process.hrtime.bigint() - start) }));
    } else if (command === 'rss') {
        console.log(JSON.stringify({ peak_rss_kib: process.resourceUsage().maxRSS }));
    } else {
        console.error(`compile-peer.mjs: unknown command ${JSON.stringify(line)}`);
        process.exit(2);
    }
}
if (sink < 0) console.log(sink);
