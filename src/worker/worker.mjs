// A contentkit integration as a Cloudflare worker: every request goes to the
// engine in contentkit.wasm, and its answer goes back. No logic lives here;
// the ABI is documented in contentkit::worker (src/worker/mod.rs).
import engine from './contentkit.wasm';

const ABI_VERSION = 2;
// The integration's files and settings, put there by `contentkit build --worker`.
const INIT_SECTION = 'contentkit.init';
// Statuses whose responses have no body (the Response constructor refuses one).
const NULL_BODY = new Set([101, 204, 205, 304]);
const INTERNAL_ERROR = '{"error":"Internal server error"}';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The instance, started once per isolate (and again after a trap).
let current = null;

function copyIn(exports, bytes) {
    const ptr = exports.ck_alloc(bytes.length);
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
}

// The request head: method and URL on a line each, then `name:value` lines.
function headOf(request) {
    let head = `${request.method}\n${request.url}\n`;
    for (const [name, value] of request.headers) {
        head += `${name}:${value}\n`;
    }
    return encoder.encode(head);
}

// Response headers come as `name:value` lines, nearly always the same as the
// last response's: their Response form (an object, or pairs when a name
// repeats) is kept for the next one.
let lastHeaderLines = '';
let lastHeaders = {};

function headersOf(lines) {
    if (lines !== lastHeaderLines) {
        const pairs = lines
            .split('\n')
            .slice(0, -1)
            .map((line) => {
                const colon = line.indexOf(':');
                return [line.slice(0, colon), line.slice(colon + 1)];
            });
        const names = new Set(pairs.map(([name]) => name.toLowerCase()));
        lastHeaders = names.size === pairs.length ? Object.fromEntries(pairs) : pairs;
        lastHeaderLines = lines;
    }
    return lastHeaders;
}

function takeResponse(exports, ptr) {
    const view = new DataView(exports.memory.buffer);
    const total = view.getUint32(ptr, true);
    const status = view.getUint32(ptr + 4, true);
    const headersLength = view.getUint32(ptr + 8, true);
    const bytes = new Uint8Array(exports.memory.buffer, ptr, total);
    const headers = headersOf(headersLength === 0 ? '' : decoder.decode(bytes.subarray(12, 12 + headersLength)));
    const body = bytes.slice(12 + headersLength);
    exports.ck_free(ptr, total);
    return { status, headers, body };
}

function start() {
    const { exports } = new WebAssembly.Instance(engine, {});
    const version = exports.ck_abi_version();
    if (version !== ABI_VERSION) {
        throw new Error(`contentkit.wasm speaks ABI ${version}, this script ${ABI_VERSION}: rebuild the bundle`);
    }
    const [section] = WebAssembly.Module.customSections(engine, INIT_SECTION);
    const init = section ? new Uint8Array(section) : encoder.encode('{}');
    const answer = takeResponse(exports, exports.ck_init(...copyIn(exports, init)));
    if (answer.status !== 200) {
        console.error(`contentkit worker: ${decoder.decode(answer.body)}`);
    }
    return { exports, failure: answer.status === 200 ? null : answer };
}

function respond({ status, headers, body }) {
    return new Response(NULL_BODY.has(status) ? null : body, { status, headers });
}

function internalError(error) {
    // A trap leaves the engine's memory in an unknown state: start afresh next time.
    current = null;
    console.error('contentkit worker:', error);
    return new Response(INTERNAL_ERROR, { status: 500, headers: { 'Content-Type': 'application/json' } });
}

try {
    current = start(); // at load, so the first request finds it ready
} catch (error) {
    internalError(error);
}

export default {
    async fetch(request) {
        const body = new Uint8Array(await request.arrayBuffer());
        try {
            current ??= start();
            if (current.failure) {
                return respond(current.failure);
            }
            const { exports } = current;
            const head = headOf(request);
            // One byte over the limit is enough for the engine to answer 413.
            const limit = exports.ck_body_limit();
            const sent = body.length > limit ? body.subarray(0, limit + 1) : body;
            const [headPtr, headLength] = copyIn(exports, head);
            const [bodyPtr, bodyLength] = copyIn(exports, sent);
            return respond(takeResponse(exports, exports.ck_handle(headPtr, headLength, bodyPtr, bodyLength)));
        } catch (error) {
            return internalError(error);
        }
    },
};
