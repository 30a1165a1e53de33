// The request both worker scripts send: the reference counter's recorded `inc`
// step (fixtures/reference/runtime-outputs.json), as GitBook sends it, a
// multipart body with the `event` and the `environment` fields.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const recorded = JSON.parse(readFileSync(join(repo, 'fixtures/reference/runtime-outputs.json'), 'utf8'));
/** The recorded step: its `request` (the event) and the official runtime's `output`. */
export const step = recorded.counter[1];
if (step.request.action?.action !== 'inc') {
    throw new Error('runtime-outputs.json: counter[1] is no longer the `inc` step');
}
const environment = JSON.stringify(JSON.parse(readFileSync(join(repo, 'fixtures/events/environment.json'), 'utf8')));
const BOUNDARY = 'contentkit-bench-boundary';
export const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
export const requestBody = Buffer.from(
    [
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="event"\r\n\r\n${JSON.stringify(step.request)}\r\n`,
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="environment"\r\n\r\n${environment}\r\n`,
        `--${BOUNDARY}--\r\n`,
    ].join(''),
    'utf8',
);
