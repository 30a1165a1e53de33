// The official runtime's side of the Node benches: a component file built as
// `gitbook publish` builds an integration (one esbuild bundle, the automatic JSX
// runtime of `@gitbook/runtime`, `MODE` defined as "production", which also turns
// on the `/v1` version check every real request goes through), imported, and
// served by `createIntegration({ components })`. Used by peer.mjs (in-process
// timing), http-peer.mjs (behind Node's HTTP server) and differential.mjs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles the entry module `contents` (its imports resolved from `resolveDir`)
 * into `outfile` as the GitBook CLI bundles an integration. Throws esbuild's
 * error, whose `errors` locate what does not build.
 */
export async function bundleAsGitBook({ contents, resolveDir, sourcefile, outfile }) {
    await esbuild.build({
        stdin: { contents, resolveDir, sourcefile, loader: 'js' },
        outfile,
        bundle: true,
        write: true,
        platform: 'neutral',
        target: ['es2020'],
        format: 'esm',
        mainFields: ['worker', 'browser', 'module', 'jsnext', 'main'],
        conditions: ['worker', 'browser', 'import', 'production'],
        define: {
            'process.env.NODE_ENV': JSON.stringify('production'),
            MODE: JSON.stringify('production'),
        },
        jsx: 'automatic',
        jsxImportSource: '@gitbook/runtime',
        // As GitBook's CLI: `import script from './x.raw.js'` is the file's text.
        loader: { '.raw.js': 'text', '.raw.css': 'text' },
        // Component files live outside this package: their `@gitbook/runtime`
        // resolves to this package's node_modules.
        nodePaths: [join(HERE, 'node_modules')],
        logLevel: 'silent',
    });
}

/** The component file bundled with the runtime, as the GitBook CLI bundles it. */
async function bundle(component, outDir) {
    const outfile = join(outDir, 'integration.mjs');
    const contents = [
        `export { createIntegration } from '@gitbook/runtime';`,
        `export * as file from ${JSON.stringify(resolve(component))};`,
    ].join('\n');
    await bundleAsGitBook({ contents, resolveDir: HERE, sourcefile: 'bench-entry.js', outfile });
    return outfile;
}

/**
 * The integration serving every component `component` (a .tsx path) exports.
 * Throws when it exports none.
 */
export async function loadIntegration(component) {
    const work = mkdtempSync(join(tmpdir(), 'contentkit-bench-'));
    let mod;
    try {
        mod = await import(pathToFileURL(await bundle(component, work)).href);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
    const components = Object.values(mod.file).filter(
        (v) => v !== null && typeof v === 'object' && typeof v.componentId === 'string',
    );
    if (components.length === 0) {
        throw new Error(`${component} exports no component`);
    }
    return mod.createIntegration({ components });
}
