import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { access, constants, mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryError, type Backend, type BackendDeps, type RequestJob, type StatusReport } from '../port.ts';
import { StatusMap } from '../config.ts';
import { requestPayload, updatePayload } from '../wire.ts';
import { parseCsv, toCsv } from './csv.ts';

export const FileDropConfig = Type.Object(
  {
    /** Where new requests (and residents' updates) are written. */
    outbox: Type.String({ minLength: 1 }),
    /** Where the back office puts status CSV files; each is read once, then moved to processed/. */
    inbox: Type.String({ minLength: 1 }),
    intervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
    formats: Type.Array(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')]), { minItems: 1, default: ['csv', 'jsonl'] }),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type FileDropConfig = Static<typeof FileDropConfig>;

export const REQUEST_COLUMNS = ['idempotency_key', 'service_request_id', 'jurisdiction_id', 'service_code', 'service_name', 'requested_datetime', 'description', 'address', 'lat', 'long', 'uprn', 'attributes', 'media_urls', 'first_name', 'last_name', 'email', 'phone'];
const UPDATE_COLUMNS = ['idempotency_key', 'service_request_id', 'update_id', 'status', 'description', 'updated_datetime', 'media_urls'];

/**
 * The legacy batch integration. New requests are written, every
 * `intervalSeconds`, as one CSV (and/or JSON Lines) file per batch, first
 * under a dot-name and then renamed, so the back office never reads half a
 * file. Status comes back as CSV files in `inbox` with columns
 * `service_request_id` (or `reference`), `status`, and optionally
 * `description`, `updated_datetime`, `update_id`; each file is read once and
 * moved to `inbox/processed/`; bad rows go to `inbox/rejected/` with the reason.
 */
export function fileDropBackend(name: string, config: FileDropConfig, _deps: BackendDeps): Backend {
  const formats = config.formats ?? ['csv', 'jsonl'];
  const stamp = () => `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;

  async function writeBatch(kind: 'requests' | 'updates', header: string[], rows: string[][], docs: object[]) {
    const base = `${kind}-${stamp()}`;
    for (const f of formats) {
      const body = f === 'csv' ? toCsv([header, ...rows]) : docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
      await atomicWrite(config.outbox, `${base}.${f}`, body);
    }
  }

  const requestRow = (job: RequestJob) => {
    const p = requestPayload(job);
    return [job.idempotencyKey, p.service_request_id, p.jurisdiction_id, p.service_code, p.service_name, p.requested_datetime ?? '', p.description ?? '', p.address ?? '', str(p.lat), str(p.long), p.uprn ?? '', JSON.stringify(p.attributes), p.media_urls.join(' '), p.contact.first_name ?? '', p.contact.last_name ?? '', p.contact.email ?? '', p.contact.phone ?? ''];
  };

  const backend: Backend = {
    name,
    kind: 'file-drop',
    statusUpdates: 'pull',
    // A batch re-written after a crash repeats its rows; each row carries its idempotency_key to drop repeats by.
    guarantee: 'at-least-once',
    batchIntervalMs: (config.intervalSeconds ?? 300) * 1000,
    pullIntervalMs: (config.intervalSeconds ?? 300) * 1000,
    statusMap: config.statusMap ?? {},
    async deliverBatch(jobs) {
      try {
        await writeBatch('requests', REQUEST_COLUMNS, jobs.map(requestRow), jobs.map((j) => ({ idempotency_key: j.idempotencyKey, ...requestPayload(j) })));
      } catch (e) {
        const err = new DeliveryError(`cannot write to ${config.outbox}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        return jobs.map(() => err);
      }
      // The file carries our id; the back office reports status against it.
      return jobs.map((j) => ({ reference: j.request.id }));
    },
    async deliverRequest(job) {
      const [r] = await backend.deliverBatch!([job]);
      if (r instanceof DeliveryError) throw r;
      return r;
    },
    async deliverUpdate(job) {
      const u = updatePayload(job);
      try {
        await writeBatch('updates', UPDATE_COLUMNS, [[job.idempotencyKey, job.reference, u.update_id, u.status, u.description, u.updated_datetime ?? '', u.media_urls.join(' ')]], [{ idempotency_key: job.idempotencyKey, service_request_id: job.reference, ...u }]);
      } catch (e) {
        throw new DeliveryError(`cannot write to ${config.outbox}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return {};
    },
    async pullUpdates() {
      await mkdir(config.inbox, { recursive: true });
      const files = (await readdir(config.inbox, { withFileTypes: true })).filter((f) => f.isFile() && !f.name.startsWith('.') && f.name.toLowerCase().endsWith('.csv')).map((f) => f.name).sort();
      const reports: StatusReport[] = [];
      const problems: string[] = [];
      for (const file of files) {
        const { reports: r, rejected } = readStatusFile(file, await readFile(join(config.inbox, file), 'utf8'));
        reports.push(...r);
        for (const x of rejected) problems.push(`${name}: ${file} line ${x.line}: ${x.reason}`);
        if (rejected.length) {
          await mkdir(join(config.inbox, 'rejected'), { recursive: true });
          await atomicWrite(join(config.inbox, 'rejected'), `${file.replace(/\.csv$/i, '')}.rejected-${stamp()}.csv`, toCsv([['line', 'error', 'row'], ...rejected.map((x) => [String(x.line), x.reason, x.raw])]));
        }
      }
      return {
        reports,
        problems,
        async done() {
          await mkdir(join(config.inbox, 'processed'), { recursive: true });
          for (const file of files) await rename(join(config.inbox, file), join(config.inbox, 'processed', `${file.replace(/\.csv$/i, '')}.${stamp()}.csv`));
        },
      };
    },
    async health() {
      try {
        await mkdir(config.outbox, { recursive: true });
        await access(config.outbox, constants.W_OK);
        await mkdir(config.inbox, { recursive: true });
        await access(config.inbox, constants.R_OK | constants.W_OK);
        return { ok: true, detail: `${config.outbox} writable, ${config.inbox} readable` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
  };
  return backend;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Writes `name` in `dir` so that it appears complete or not at all: a dot-file, fsync, then rename. */
async function atomicWrite(dir: string, name: string, body: string) {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${name}.part`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
}

/** Reads one status CSV: good rows become reports, bad ones are set aside with the reason. */
export function readStatusFile(file: string, text: string) {
  const parsed = parseCsv(text);
  const rejected: { line: number; reason: string; raw: string }[] = [];
  if (parsed.error) rejected.push({ line: 0, reason: parsed.error, raw: '' });
  const [head, ...rows] = parsed.rows;
  const cols = (head?.cells ?? []).map((c) => c.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  if (!head || at('status') < 0 || (at('service_request_id') < 0 && at('reference') < 0)) {
    return { reports: [], rejected: [{ line: 1, reason: `${file} needs a header row with status and service_request_id (or reference)`, raw: head?.cells.join(',') ?? '' }] };
  }
  const reports: StatusReport[] = [];
  for (const row of rows) {
    const get = (name: string) => (at(name) >= 0 ? row.cells[at(name)]?.trim() || undefined : undefined);
    const raw = row.cells.join(',');
    if (row.cells.length !== cols.length) {
      rejected.push({ line: row.line, reason: `has ${row.cells.length} cells, the header has ${cols.length}`, raw });
      continue;
    }
    const requestId = get('service_request_id');
    const reference = get('reference');
    const code = get('status');
    if (!requestId && !reference) {
      rejected.push({ line: row.line, reason: 'service_request_id (or reference) is empty', raw });
      continue;
    }
    if (!code) {
      rejected.push({ line: row.line, reason: `status is empty for ${requestId ?? reference}`, raw });
      continue;
    }
    const when = get('updated_datetime');
    const date = when ? new Date(when) : undefined;
    if (date && Number.isNaN(date.getTime())) {
      rejected.push({ line: row.line, reason: `updated_datetime "${when}" is not a date-time for ${requestId ?? reference}`, raw });
      continue;
    }
    reports.push({ requestId: reference ? undefined : requestId, reference, code, description: get('description'), updateId: get('update_id'), at: date });
  }
  return { reports, rejected };
}
