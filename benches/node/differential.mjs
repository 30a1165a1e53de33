// The differential test suite's runner: every case of fixtures/differential/
// (a `@gitbook/runtime` component file and its request steps) sent to the
// official runtime (`@gitbook/runtime` 0.23.3 on Node) and to a contentkit
// server, byte for byte the same request, and the two answers compared.
//
//   node benches/node/differential.mjs                          # Node against the committed expected.json
//   node benches/node/differential.mjs --contentkit http://127.0.0.1:8787/v1
//   node benches/node/differential.mjs --contentkit node        # self-check: Node over HTTP against Node
//   node benches/node/differential.mjs --record fixtures/differential/expected.json
//   node benches/node/differential.mjs --only numbers --only url-parse --verbose
//
// What one step is (fixtures/differential/README.md has the format): a
// `ui_render` event and an environment, sent as the multipart `POST /v1` body
// GitBook's dispatcher sends, fields `event` and `environment`. The body is
// built once, as bytes, and the same bytes go to every side.
//
// What is compared, per step: the status, the `content-type` and
// `cache-control` headers, and the body bytes. Three checks, each reported on
// its own:
//   - recorded: the live Node answer equals the one committed in
//     expected.json (so a change of Node, of the runtime or of a case that
//     was not re-recorded shows up);
//   - schema: every 200 JSON answer is a valid `ContentKitRenderOutput` of
//     fixtures/contentkit.schema.json, unless the step says why it is not
//     (`invalidOutput`), in which case it must really be invalid;
//   - contentkit: the other side answers the same bytes as Node; where Node's
//     output is invalid on purpose (`invalidOutput`), contentkit refuses it
//     instead, with the 500 a failing render gets.
//
// How the cases are compiled: as GitBook's CLI (`gitbook publish`, file
// packages/cli/src/build.ts of GitbookIO/integrations) compiles an
// integration: one esbuild bundle, platform neutral, target es2020, the
// automatic JSX runtime with `jsxImportSource: '@gitbook/runtime'`, `MODE`
// defined as "production". Every case file goes into that one bundle, with
// one `createIntegration({ components })` holding the components of every
// file, as `contentkit serve fixtures/differential` serves them. The one
// difference: no minification, so stack traces stay readable (minifying
// changes function names, which no case reads).
//
// Exit status: 0 when every check of every selected case passed, 1 when any
// failed, 2 on a usage or setup error (a case that does not build, a steps
// file that does not parse).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import Ajv2020 from 'ajv/dist/2020.js';

import { bundleAsGitBook } from './integration.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(HERE, '../..');

const USAGE = `usage: node benches/node/differential.mjs [options]
  --cases DIR          the cases folder (default: fixtures/differential)
  --expected FILE      the committed Node answers (default: DIR/expected.json)
  --contentkit URL     also POST every step to URL (e.g. http://127.0.0.1:8787/v1) and
                       compare with Node; "node" serves a second Node instance over HTTP
  --record FILE        write the Node answers to FILE instead of checking expected.json
  --only NAME          run only this case (repeatable)
  --verbose            print the runtime's log lines of failing steps`;

// ---- command line ----------------------------------------------------------

class UsageError extends Error {}

function options() {
    let parsed;
    try {
        parsed = parseArgs({
            options: {
                cases: { type: 'string', default: join(REPO, 'fixtures/differential') },
                expected: { type: 'string' },
                contentkit: { type: 'string' },
                record: { type: 'string' },
                only: { type: 'string', multiple: true, default: [] },
                verbose: { type: 'boolean', default: false },
                help: { type: 'boolean', default: false },
            },
        }).values;
    } catch (err) {
        throw new UsageError(err.message);
    }
    if (parsed.record && parsed.expected) {
        throw new UsageError('--record writes the answers; it does not read --expected');
    }
    const cases = resolve(parsed.cases);
    return { ...parsed, cases, expected: parsed.expected ?? join(cases, 'expected.json') };
}

// ---- the cases ----------------------------------------------------------------

const STEP_KEYS = new Set([
    'name',
    'componentId',
    'props',
    'state',
    'context',
    'action',
    'environment',
    'eventText',
    'invalidOutput',
]);
const EVENT_KEYS = ['componentId', 'props', 'state', 'context', 'action'];

/** Every `NAME.tsx` of the folder with its `NAME.steps.json`, sorted by name. */
function loadCases(dir) {
    const names = readdirSync(dir);
    const components = names.filter((n) => n.endsWith('.tsx')).sort();
    const stepFiles = new Set(names.filter((n) => n.endsWith('.steps.json')));
    const cases = [];
    const problems = [];
    for (const file of components) {
        const name = file.slice(0, -'.tsx'.length);
        const stepsFile = `${name}.steps.json`;
        if (!stepFiles.delete(stepsFile)) {
            problems.push(`${file}: no ${stepsFile} beside it`);
            continue;
        }
        try {
            cases.push({ name, file, ...parseSteps(stepsFile, readFileSync(join(dir, stepsFile), 'utf8')) });
        } catch (err) {
            problems.push(err.message);
        }
    }
    for (const orphan of stepFiles) {
        problems.push(`${orphan}: no ${orphan.replace(/\.steps\.json$/, '.tsx')} beside it`);
    }
    if (problems.length > 0) {
        throw new UsageError(`the cases in ${dir} are not well formed:\n  ${problems.join('\n  ')}`);
    }
    return cases;
}

function parseSteps(file, text) {
    let value;
    try {
        value = JSON.parse(text);
    } catch (err) {
        throw new Error(`${file}: not JSON: ${err.message}`);
    }
    const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (!isObject(value) || !Array.isArray(value.steps) || value.steps.length === 0) {
        throw new Error(`${file}: expected {"componentId"?: string, "steps": [step, ...]} with at least one step`);
    }
    for (const key of Object.keys(value)) {
        if (key !== 'componentId' && key !== 'steps' && key !== 'about') {
            throw new Error(`${file}: unknown key "${key}" (componentId, steps, about)`);
        }
    }
    value.steps.forEach((step, i) => {
        const where = `${file}: steps[${i}]`;
        if (!isObject(step)) {
            throw new Error(`${where}: a step is an object`);
        }
        for (const key of Object.keys(step)) {
            if (!STEP_KEYS.has(key)) {
                throw new Error(`${where}: unknown key "${key}" (${[...STEP_KEYS].join(', ')})`);
            }
        }
        if ('eventText' in step) {
            if (typeof step.eventText !== 'string') {
                throw new Error(`${where}: eventText is the event's exact JSON text, a string`);
            }
            const also = EVENT_KEYS.filter((k) => k in step);
            if (also.length > 0) {
                throw new Error(`${where}: eventText is sent as written; ${also.join(', ')} cannot be added to it`);
            }
        } else if (typeof (step.componentId ?? value.componentId) !== 'string') {
            throw new Error(`${where}: no componentId (give one in the step or at the top of the file)`);
        }
        if ('environment' in step && !isObject(step.environment)) {
            throw new Error(`${where}: environment is a JSON merge patch (an object) over fixtures/events/environment.json`);
        }
        if ('invalidOutput' in step && typeof step.invalidOutput !== 'string') {
            throw new Error(`${where}: invalidOutput says why the output is not valid ContentKit, a string`);
        }
    });
    return { componentId: value.componentId, steps: value.steps };
}

// ---- the requests -------------------------------------------------------------

const BOUNDARY = 'contentkit-differential-boundary';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const baseEnvironment = JSON.parse(readFileSync(join(REPO, 'fixtures/events/environment.json'), 'utf8'));

/** RFC 7386 JSON Merge Patch: objects merge key by key, `null` removes, anything else replaces. */
function mergePatch(target, patch) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
        return patch;
    }
    const out =
        target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
        if (value === null) {
            delete out[key];
        } else {
            out[key] = mergePatch(out[key], value);
        }
    }
    return out;
}

/** The event of a step, as GitBook's dispatcher sends it (its JSON text). */
function eventText(testCase, index, step) {
    if ('eventText' in step) {
        return step.eventText;
    }
    const event = {
        eventId: `differential-${testCase.name}-${index + 1}`,
        type: 'ui_render',
        installationId: baseEnvironment.installation.id,
        spaceId: baseEnvironment.spaceInstallation.space,
        componentId: step.componentId ?? testCase.componentId,
        props: step.props ?? {},
        context: step.context ?? {
            type: 'document',
            theme: 'light',
            spaceId: baseEnvironment.spaceInstallation.space,
            editable: true,
        },
    };
    // Present only when the step says so: a first render has no state.
    if ('state' in step) {
        event.state = step.state;
    }
    if ('action' in step) {
        event.action = step.action;
    }
    return JSON.stringify(event);
}

// Built by hand rather than from a FormData so that the exact bytes are known
// and are the same for every side: what FormData sends for string values (a
// name, no per-part content type), as in benches/node/compare.mjs.
function multipartBody(fields) {
    let text = '';
    for (const [name, value] of fields) {
        text += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    text += `--${BOUNDARY}--\r\n`;
    return new Uint8Array(Buffer.from(text, 'utf8'));
}

function requestBody(testCase, index, step) {
    const environment = 'environment' in step ? mergePatch(baseEnvironment, step.environment) : baseEnvironment;
    return multipartBody([
        ['event', eventText(testCase, index, step)],
        ['environment', JSON.stringify(environment)],
    ]);
}

// ---- the official runtime ---------------------------------------------------------

/** One esbuild bundle of every case file, built as GitBook's CLI builds an integration. */
async function bundleCases(dir, cases, outDir) {
    const lines = [`export { createIntegration } from '@gitbook/runtime';`];
    cases.forEach((c, i) => lines.push(`export * as case${i} from ${JSON.stringify(join(dir, c.file))};`));
    const outfile = join(outDir, 'integration.mjs');
    try {
        await bundleAsGitBook({ contents: lines.join('\n'), resolveDir: dir, sourcefile: 'differential-entry.js', outfile });
    } catch (err) {
        const messages = (err.errors ?? []).map((e) =>
            e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text,
        );
        throw new UsageError(`the cases do not build:\n  ${messages.join('\n  ') || err.message}`);
    }
    return outfile;
}

const isComponent = (value) =>
    value !== null &&
    typeof value === 'object' &&
    typeof value.componentId === 'string' &&
    typeof value.render === 'function';

/**
 * Imports the bundle (a fresh module instance per `instance` tag: its own
 * runtime, its own module-level state) and builds the integration.
 */
async function loadIntegration(bundle, cases, instance) {
    const mod = await import(`${pathToFileURL(bundle).href}?instance=${instance}`);
    const components = [];
    const owner = new Map();
    const problems = [];
    cases.forEach((c, i) => {
        const found = Object.values(mod[`case${i}`]).filter(isComponent);
        if (found.length === 0) {
            problems.push(`${c.file}: exports no component (createComponent(...))`);
        }
        for (const component of found) {
            const other = owner.get(component.componentId);
            if (other !== undefined) {
                problems.push(`${c.file}: componentId "${component.componentId}" is also used by ${other}`);
            }
            owner.set(component.componentId, c.file);
            components.push(component);
        }
    });
    if (problems.length > 0) {
        throw new UsageError(problems.join('\n'));
    }
    return { integration: mod.createIntegration({ components }), owner };
}

// The runtime logs a line per request (console.log) and every error's stack
// (console.error): kept per step, printed with --verbose for failing steps.
const consoleMethods = ['log', 'debug', 'info', 'warn', 'error'];
async function captureLogs(run) {
    const saved = consoleMethods.map((m) => console[m]);
    const lines = [];
    for (const m of consoleMethods) {
        console[m] = (...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
    }
    try {
        return { value: await run(), logs: lines };
    } finally {
        consoleMethods.forEach((m, i) => (console[m] = saved[i]));
    }
}

const URL_V1 = 'http://localhost/v1';
const STEP_TIMEOUT_MS = 10_000;

/** What is compared of an answer. */
async function answerOf(response) {
    return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        cacheControl: response.headers.get('cache-control'),
        body: Buffer.from(await response.arrayBuffer()),
    };
}

/** `integration.fetch(request, env, ctx)`, as the Workers runtime calls it. */
async function callNode(integration, body) {
    const pending = [];
    const ctx = { waitUntil: (promise) => pending.push(promise), passThroughOnException() {} };
    const { value, logs } = await captureLogs(async () => {
        const request = new Request(URL_V1, { method: 'POST', headers: { 'content-type': CONTENT_TYPE }, body });
        try {
            const response = await integration.fetch(request, {}, ctx);
            const answer = await answerOf(response);
            await Promise.allSettled(pending);
            return answer;
        } catch (err) {
            return { error: `the runtime's fetch rejected: ${err?.stack ?? err}` };
        }
    });
    return { ...value, logs };
}

async function callHttp(url, body) {
    try {
        const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': CONTENT_TYPE },
            body,
            signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
        });
        return await answerOf(response);
    } catch (err) {
        return { error: `POST ${url} failed: ${err?.cause?.message ?? err?.message ?? err}` };
    }
}

/** The self-check's other side: a second Node instance behind a real HTTP server. */
async function serveOverHttp(integration) {
    const server = createServer(async (req, res) => {
        const chunks = [];
        for await (const chunk of req) {
            chunks.push(chunk);
        }
        const answer = await callNode(integration, new Uint8Array(Buffer.concat(chunks)));
        if (answer.error) {
            res.writeHead(599, { 'content-type': 'text/plain' }).end(answer.error);
            return;
        }
        const headers = {};
        if (answer.contentType !== null) headers['content-type'] = answer.contentType;
        if (answer.cacheControl !== null) headers['cache-control'] = answer.cacheControl;
        res.writeHead(answer.status, headers).end(answer.body);
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    return { url: `http://127.0.0.1:${server.address().port}/v1`, close: () => server.close() };
}

// ---- the committed answers ----------------------------------------------------------

/**
 * An answer as expected.json holds it: a JSON body as the value it encodes
 * (readable, reviewable), which re-encodes to the exact bytes since the
 * runtime's bodies are JSON.stringify's; anything else as text.
 */
function recordOf(step, answer) {
    const record = {
        step: step.name ?? null,
        status: answer.status,
        contentType: answer.contentType,
        cacheControl: answer.cacheControl,
    };
    const text = answer.body.toString('utf8');
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    if (json !== undefined && JSON.stringify(json) === text && Buffer.from(text, 'utf8').equals(answer.body)) {
        record.json = json;
    } else {
        record.text = text;
    }
    return record;
}

function answerFromRecord(record) {
    const text = 'json' in record ? JSON.stringify(record.json) : record.text;
    return {
        status: record.status,
        contentType: record.contentType,
        cacheControl: record.cacheControl,
        body: Buffer.from(text, 'utf8'),
    };
}

// ---- comparing ------------------------------------------------------------------------

const show = (value) => (value === undefined ? '(absent)' : JSON.stringify(value));

/** The first place two JSON values differ, key order included, or null. */
function firstJsonDifference(a, b, path = '$') {
    const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    if (kind(a) !== kind(b)) {
        return { path, a, b };
    }
    if (kind(a) === 'array') {
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
            if (i >= a.length || i >= b.length) {
                return { path: `${path}[${i}]`, a: a[i], b: b[i] };
            }
            const d = firstJsonDifference(a[i], b[i], `${path}[${i}]`);
            if (d) return d;
        }
        return null;
    }
    if (kind(a) === 'object') {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);
        for (const k of ka) {
            if (!(k in b)) return { path: key(k), a: a[k], b: undefined };
        }
        for (const k of kb) {
            if (!(k in a)) return { path: key(k), a: undefined, b: b[k] };
        }
        for (let i = 0; i < ka.length; i++) {
            if (ka[i] !== kb[i]) {
                return { path, note: 'key order differs', a: ka, b: kb };
            }
        }
        for (const k of ka) {
            const d = firstJsonDifference(a[k], b[k], key(k));
            if (d) return d;
        }
        return null;
    }
    return Object.is(a, b) ? null : { path, a, b };
}

function byteContext(a, b) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    const from = Math.max(0, i - 40);
    const cut = (buf) => JSON.stringify(buf.subarray(from, i + 40).toString('utf8'));
    return { offset: i, a: cut(a), b: cut(b) };
}

/** Lines describing how `other` differs from `node`, or [] when they are the same. */
/** How `other` fails to refuse an invalid output as contentkit must: a 500 with the
 * runtime's bare error body, the same as for a render that throws. */
function refusalProblems(other) {
    if (other.error) return [`contentkit: ${other.error}`];
    const want = '{"error":"Internal server error"}';
    const body = other.body.toString('utf8');
    if (other.status === 500 && body === want) return [];
    return [
        `Node's output is invalid ContentKit (invalidOutput), so contentkit must refuse it with 500 ${want}`,
        `    contentkit: ${other.status} ${JSON.stringify(body.slice(0, 160))}`,
    ];
}

function differences(node, other, labels) {
    const [la, lb] = labels;
    const pad = (s) => `${s}:`.padEnd(Math.max(la.length, lb.length) + 2);
    if (node.error || other.error) {
        return [node.error ? `${la}: ${node.error}` : `${lb}: ${other.error}`];
    }
    const out = [];
    for (const [field, header] of [
        ['status', 'status'],
        ['contentType', 'content-type'],
        ['cacheControl', 'cache-control'],
    ]) {
        if (node[field] !== other[field]) {
            out.push(`${header} differs: ${la} ${show(node[field] ?? undefined)}, ${lb} ${show(other[field] ?? undefined)}`);
        }
    }
    if (node.status !== other.status) {
        // A different status usually means a different kind of answer (an
        // error for a render): both bodies say more than a JSON path.
        const head = (buf) => JSON.stringify(buf.toString('utf8').slice(0, 160));
        out.push(`    ${pad(la)}${head(node.body)}`);
        out.push(`    ${pad(lb)}${head(other.body)}`);
        return out;
    }
    if (!node.body.equals(other.body)) {
        const parse = (buf) => {
            try {
                return { value: JSON.parse(buf.toString('utf8')) };
            } catch {
                return null;
            }
        };
        const ja = parse(node.body);
        const jb = parse(other.body);
        const d = ja && jb ? firstJsonDifference(ja.value, jb.value) : null;
        if (d && typeof d.a === 'string' && typeof d.b === 'string' && Math.max(d.a.length, d.b.length) > 60) {
            // Long strings: where in the string, and the text around it.
            let i = 0;
            while (i < d.a.length && i < d.b.length && d.a[i] === d.b[i]) i++;
            const around = (s) => `${i > 30 ? '…' : ''}${JSON.stringify(s.slice(Math.max(0, i - 30), i + 30))}${s.length > i + 30 ? '…' : ''}`;
            out.push(`body differs at ${d.path}, at character ${i} of the string:`);
            out.push(`    ${pad(la)}${around(d.a)}`);
            out.push(`    ${pad(lb)}${around(d.b)}`);
        } else if (d) {
            out.push(`body differs at ${d.path}${d.note ? ` (${d.note})` : ''}:`);
            out.push(`    ${pad(la)}${show(d.a)}`);
            out.push(`    ${pad(lb)}${show(d.b)}`);
        } else {
            const c = byteContext(node.body, other.body);
            out.push(`body bytes differ at byte ${c.offset}${ja && jb ? ' (same JSON value: number or string spelling)' : ''}:`);
            out.push(`    ${pad(la)}${c.a}`);
            out.push(`    ${pad(lb)}${c.b}`);
        }
        if (!ja || !jb) {
            out.push(`    (full ${lb} body: ${JSON.stringify(other.body.toString('utf8').slice(0, 300))})`);
        }
    }
    return out;
}

// ---- schema ----------------------------------------------------------------------------

function outputValidator() {
    const schema = JSON.parse(readFileSync(join(REPO, 'fixtures/contentkit.schema.json'), 'utf8'));
    // The vendored schema carries OpenAPI's `discriminator`: not a JSON Schema
    // keyword, so strict mode is off; the `oneOf`s it sits on are checked as
    // they are. Formats (`uri`) are not checked.
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
    ajv.addSchema(schema, 'contentkit');
    const validate = ajv.getSchema('contentkit#/$defs/ContentKitRenderOutput');
    return (value) => {
        if (validate(value)) return null;
        return validate.errors
            .slice(0, 3)
            .map((e) => `${e.instancePath || '/'} ${e.message}`)
            .join('; ');
    };
}

function schemaProblem(validate, step, answer) {
    if (answer.error || answer.status !== 200 || !(answer.contentType ?? '').startsWith('application/json')) {
        return step.invalidOutput ? `marked invalidOutput, but it is not a 200 JSON output` : null;
    }
    let value;
    try {
        value = JSON.parse(answer.body.toString('utf8'));
    } catch (err) {
        return `the 200 answer is not JSON: ${err.message}`;
    }
    const invalid = validate(value);
    if (step.invalidOutput) {
        return invalid ? null : `marked invalidOutput ("${step.invalidOutput}"), but the output is valid: remove the mark`;
    }
    return invalid ? `not a valid ContentKitRenderOutput: ${invalid}` : null;
}

// ---- the run -----------------------------------------------------------------------------

async function main() {
    const opts = options();
    if (opts.help) {
        console.log(USAGE);
        return 0;
    }
    let cases = loadCases(opts.cases);
    for (const name of opts.only) {
        if (!cases.some((c) => c.name === name)) {
            throw new UsageError(`--only ${name}: no such case`);
        }
    }
    const selected = opts.only.length > 0 ? cases.filter((c) => opts.only.includes(c.name)) : cases;

    const work = mkdtempSync(join(tmpdir(), 'contentkit-differential-'));
    let self = null;
    try {
        // Every case is in the bundle, selected or not: the integration holds
        // every component, as the contentkit server loading the folder does.
        const bundle = await bundleCases(opts.cases, cases, work);
        const { integration } = await loadIntegration(bundle, cases, 'reference');
        const validate = outputValidator();

        let expected = null;
        if (!opts.record) {
            try {
                expected = JSON.parse(readFileSync(opts.expected, 'utf8'));
            } catch (err) {
                throw new UsageError(`cannot read ${opts.expected} (record it with --record): ${err.message}`);
            }
        }

        let otherUrl = null;
        let otherLabel = null;
        if (opts.contentkit === 'node') {
            self = await serveOverHttp((await loadIntegration(bundle, cases, 'self-check')).integration);
            otherUrl = self.url;
            otherLabel = 'node-http';
        } else if (opts.contentkit) {
            otherUrl = opts.contentkit;
            otherLabel = 'contentkit';
        }

        const records = {};
        const failed = [];
        let passed = 0;
        const tally = { recorded: 0, schema: 0, other: 0 };
        for (const testCase of selected) {
            const problems = [];
            const caseRecords = [];
            const recordedSteps = expected?.[testCase.name];
            if (expected && !Array.isArray(recordedSteps)) {
                problems.push({ kind: 'recorded', lines: [`no answers recorded in ${basename(opts.expected)} (run with --record)`] });
            } else if (expected && recordedSteps.length !== testCase.steps.length) {
                problems.push({
                    kind: 'recorded',
                    lines: [`${recordedSteps.length} answers recorded for ${testCase.steps.length} steps (re-record)`],
                });
            }
            for (const [i, step] of testCase.steps.entries()) {
                const label = `step ${i + 1}${step.name ? ` (${step.name})` : ''}`;
                const body = requestBody(testCase, i, step);
                const node = await callNode(integration, body);
                const add = (kind, lines) => problems.push({ kind, label, lines, logs: node.logs });
                if (node.error) {
                    add('node', [node.error]);
                    continue;
                }
                caseRecords.push(recordOf(step, node));

                const invalid = schemaProblem(validate, step, node);
                if (invalid) add('schema', [invalid]);

                if (expected && Array.isArray(recordedSteps) && recordedSteps[i]) {
                    const d = differences(answerFromRecord(recordedSteps[i]), node, ['recorded', 'node']);
                    if (d.length > 0) add('recorded', d);
                }
                if (otherUrl) {
                    const other = await callHttp(otherUrl, body);
                    // contentkit is stricter than the runtime: an output that is not
                    // valid ContentKit is refused (500), not sent to GitBook. The
                    // Node self-check sends what Node sends.
                    const d = step.invalidOutput && otherLabel === 'contentkit'
                        ? refusalProblems(other)
                        : differences(node, other, ['node', otherLabel]);
                    if (d.length > 0) add('other', d);
                }
            }
            records[testCase.name] = caseRecords;

            if (problems.length === 0) {
                passed += 1;
                console.log(`ok    ${testCase.name} (${testCase.steps.length} step${testCase.steps.length === 1 ? '' : 's'})`);
                continue;
            }
            failed.push(testCase.name);
            const kinds = [...new Set(problems.map((p) => p.kind))];
            for (const k of kinds) if (k in tally) tally[k] += 1;
            const what = {
                node: 'the Node runtime failed',
                recorded: `Node differs from ${basename(opts.expected)}`,
                schema: 'invalid output',
                other: `${otherLabel} differs from Node`,
            };
            console.log(`FAIL  ${testCase.name}: ${kinds.map((k) => what[k]).join('; ')}`);
            // The first difference of each kind: enough to see what is wrong
            // without a wall of text; the other steps are counted.
            for (const kind of kinds) {
                const ofKind = problems.filter((p) => p.kind === kind);
                const first = ofKind[0];
                console.log(`      ${what[kind]}${first.label ? `, ${first.label}` : ''}:`);
                for (const line of first.lines) console.log(`        ${line}`);
                if (ofKind.length > 1) console.log(`        (and ${ofKind.length - 1} more step(s) of this case)`);
                if (opts.verbose && first.logs?.length) {
                    console.log('        runtime log:');
                    for (const line of first.logs) console.log(`          ${line.split('\n').join('\n          ')}`);
                }
            }
        }

        if (opts.record) {
            const all = opts.only.length > 0 ? { ...readIfPresent(opts.record), ...records } : records;
            const sorted = Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
            writeFileSync(opts.record, `${JSON.stringify(sorted, null, 2)}\n`);
            console.log(`recorded the Node answers of ${Object.keys(records).length} case(s) in ${opts.record}`);
        } else if (opts.only.length === 0) {
            const stale = Object.keys(expected).filter((k) => !cases.some((c) => c.name === k));
            if (stale.length > 0) {
                failed.push(...stale);
                console.log(`FAIL  ${basename(opts.expected)} records cases that do not exist: ${stale.join(', ')} (re-record)`);
            }
        }

        console.log('');
        if (failed.length > 0) {
            const parts = [];
            if (tally.recorded) parts.push(`${tally.recorded} differ from the recording`);
            if (tally.schema) parts.push(`${tally.schema} with invalid outputs`);
            if (tally.other) parts.push(`${tally.other} where ${otherLabel} differs from Node`);
            console.log(`failed cases: ${failed.join(', ')}`);
            if (parts.length) console.log(`(${parts.join(', ')})`);
        }
        const against = otherLabel
            ? `Node against ${basename(opts.expected)}, the schema, and ${otherLabel} against Node`
            : opts.record
              ? `Node against the schema, recorded in ${opts.record}`
              : `Node against ${basename(opts.expected)} and the schema`;
        console.log(`checked: ${against}`);
        console.log(`differential: ${passed} passed, ${failed.length} failed`);
        return failed.length > 0 ? 1 : 0;
    } finally {
        self?.close();
        rmSync(work, { recursive: true, force: true });
    }
}

function readIfPresent(path) {
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
        return {};
    }
}

try {
    process.exitCode = await main();
} catch (err) {
    if (err instanceof UsageError) {
        console.error(`differential: ${err.message}`);
        if (err.message.startsWith('Unknown option') || err.message.includes('--')) console.error(USAGE);
        process.exitCode = 2;
    } else {
        throw err;
    }
}
