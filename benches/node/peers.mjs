// What the side-by-side scripts share (compare.mjs, compare-compile.mjs): a peer
// process driven over its stdin and stdout, one JSON object per line (`run N`
// answers {"ns":total}, `rss` answers {"peak_rss_kib":N}), and the median.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One side of a comparison, in its own process; its first line is its `ready` object. */
export class Peer {
    constructor(side, command, argv) {
        this.side = side;
        this.child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
        this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
        // A peer that failed its check has exited: writing to it is no crash here.
        this.child.stdin.on('error', () => {});
        this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    }

    async next() {
        const { value, done } = await this.lines.next();
        if (done) {
            throw new Error(`${this.side}: exited with status ${await this.exited}`);
        }
        return JSON.parse(value);
    }

    async run(iterations) {
        this.child.stdin.write(`run ${iterations}\n`);
        return (await this.next()).ns / iterations;
    }

    async rss() {
        this.child.stdin.write('rss\n');
        return (await this.next()).peak_rss_kib;
    }

    async close() {
        this.child.stdin.end();
        return this.exited;
    }
}

/** The median of a list of numbers. */
export const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
