// Side-by-side parse + compile of a large markup page: contentkit's
// `Template::compile` (examples/bench_compile.rs) against htm's parse on Node
// (compile-peer.mjs). Run it through scripts/compare-compile.sh.
//
//   node benches/node/compare-compile.mjs --rust PATH/TO/bench_compile [--bytes N] [--write DIR]
//
// The page is a static page of every element that takes static attributes, about
// 250 KB (BENCH_BYTES or --bytes): layout, text, cards, markdown, code blocks,
// buttons, inputs, selects, frames and images, each attribute a string where the
// element allows one and an expression (`onPress={{ … }}`, `options={[…]}`) where it
// needs one. contentkit reads the text; htm reads the same text as a tagged
// template's statics, each `{expr}` an expression slot. Both sides print the
// SHA-256 of the text they read, checked equal. Each side runs in its own process;
// their timed repetitions alternate (BENCH_REPS, default 5, after a warm-up), and
// the median and min–max of each side, the ratio and each process's peak RSS are
// printed. --write DIR only writes the page (PAGE.ckx, PAGE.json) into DIR.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Peer, median } from './peers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
    options: {
        rust: { type: 'string' },
        bytes: { type: 'string' },
        write: { type: 'string' },
    },
});
const targetBytes = Number(args.bytes ?? process.env.BENCH_BYTES ?? 250_000);
const reps = Number(process.env.BENCH_REPS ?? 5);

/** One section of the page: every element, numbered so that no two are the same. */
function section(i, out) {
    const text = (s) => out.statics.push(out.statics.pop() + s);
    const expr = (e) => {
        out.exprs.push(e);
        out.statics.push('');
    };
    text(`  <vstack align="start">
    <hstack align="center">
      <box grow="1"><text style="bold">Heading ${i}</text></box>
      <card title="Card ${i}"><text>Inside card ${i}, with a short sentence of plain text.</text></card>
    </hstack>
    <markdown content="Some **markdown** for section ${i}, with a [link](https://example.com/${i})." />
    <codeblock content="const x = ${i};" syntax="javascript" />
    <divider size="small" />
    <text>Plain text with <text style="italic">italic</text> and <text style="code">code</text> in section ${i}.</text>
    <button label="Open ${i}" style="primary" icon="link-external" onPress=`);
    expr(`{ action: 'open', section: ${i} }`);
    text(` />
    <textinput state="query${i}" placeholder="Search section ${i}" />
    <input label="Name ${i}" hint="The name shown on the card" element=`);
    expr(`<textinput state="name${i}" placeholder="Name" />`);
    text(` />
    <checkbox state="agree${i}" value="yes" />
    <switch state="enabled${i}" />
    <radio state="choice${i}" value="a" />
    <select state="pick${i}" options=`);
    expr(`[{ id: 'a', label: 'Alpha' }, { id: 'b', label: 'Beta' }]`);
    text(` />
    <webframe source=`);
    expr(`{ url: 'https://example.com/frame/${i}' }`);
    text(` />
    <image source=`);
    expr(`{ url: 'https://example.com/image/${i}.png' }`);
    text(` aspectRatio=`);
    expr(`1.5`);
    text(` />
  </vstack>
`);
}

/** The page as statics and expressions, and as the text contentkit reads. */
function page(bytes) {
    const out = { statics: ['<block>\n'], exprs: [] };
    let text = '';
    for (let i = 0; text.length < bytes; i += 1) {
        section(i, out);
        text = out.statics[0];
        for (let k = 0; k < out.exprs.length; k += 1) text += `{${out.exprs[k]}}${out.statics[k + 1]}`;
    }
    out.statics.push(out.statics.pop() + '</block>\n');
    text += '</block>\n';
    return { out, text };
}

const ms = (ns) => `${(ns / 1e6).toFixed(2)} ms`;
const mbs = (bytes, ns) => `${(bytes / 1e6 / (ns / 1e9)).toFixed(1)} MB/s`;
const mib = (kib) => (kib == null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

const { out, text } = page(targetBytes);
const dir = args.write ? resolve(args.write) : mkdtempSync(join(tmpdir(), 'contentkit-compile-'));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'PAGE.ckx'), text);
writeFileSync(join(dir, 'PAGE.json'), JSON.stringify(out));
if (args.write) {
    console.log(`wrote ${join(dir, 'PAGE.ckx')} (${Buffer.byteLength(text)} bytes) and PAGE.json`);
    process.exit(0);
}
if (!args.rust) {
    console.error('compare-compile.mjs: --rust PATH is required');
    process.exit(2);
}

let failed = false;
const peers = {
    htm: new Peer('htm', process.execPath, [join(HERE, 'compile-peer.mjs'), '--page', join(dir, 'PAGE.json')]),
    contentkit: new Peer('contentkit', args.rust, ['--file', join(dir, 'PAGE.ckx')]),
};
try {
    const ready = {};
    for (const [side, peer] of Object.entries(peers)) ready[side] = await peer.next();
    if (ready.htm.text_sha256 !== ready.contentkit.text_sha256) {
        throw new Error(`the sides read different texts: htm ${ready.htm.text_sha256}, contentkit ${ready.contentkit.text_sha256}`);
    }
    const bytes = ready.contentkit.bytes;
    // About a second of the slower side per repetition: a compile is tens of
    // milliseconds, and shorter repetitions left the spread wider than the medians.
    const probe = Math.max(await peers.htm.run(3), await peers.contentkit.run(3));
    const iterations = Math.max(3, Math.round(1e9 / probe));
    console.error(`== a page of ${bytes.toLocaleString('en-US')} bytes, ${out.exprs.length} expressions; ${reps} repetitions of ${iterations} parses per side`);
    const times = { htm: [], contentkit: [] };
    for (const peer of Object.values(peers)) await peer.run(iterations); // warm-up
    for (let r = 0; r < reps; r += 1) {
        const order = r % 2 ? ['contentkit', 'htm'] : ['htm', 'contentkit'];
        for (const side of order) times[side].push(await peers[side].run(iterations));
    }
    const rss = { htm: await peers.htm.rss(), contentkit: await peers.contentkit.rss() };
    const row = (side) => {
        const t = times[side];
        return `${ms(median(t))} (${ms(Math.min(...t))}–${ms(Math.max(...t))}), ${mbs(bytes, median(t))}, peak RSS ${mib(rss[side])}`;
    };
    console.log(`page: ${bytes.toLocaleString('en-US')} bytes, ${out.exprs.length} expressions`);
    console.log(`htm ${process.version}:  ${row('htm')}`);
    console.log(`contentkit:       ${row('contentkit')}`);
    console.log(`htm ÷ contentkit: ${(median(times.htm) / median(times.contentkit)).toFixed(2)}×`);
} catch (err) {
    console.error(`compare-compile: ${err.message}`);
    failed = true;
} finally {
    await Promise.all(Object.values(peers).map((p) => p.close()));
    if (!args.write) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
