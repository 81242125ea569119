import type { FastifyInstance, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { FILES_PER_REQUEST, type Upload } from '../../media/intake.ts';

const xml = new XMLParser({
  processEntities: false,
  ignoreDeclaration: true,
  parseTagValue: false,
  ignoreAttributes: true,
  // The parser would rename <toString> to __toString; refuse such names instead, as forms and JSON do.
  onDangerousProperty: (name: string) => {
    throw new Error(`"${name}" is not accepted as an element name`);
  },
});

export interface BodyLimits {
  /** Largest single file. */
  mediaLimitBytes: number;
  /** Largest total of the files in one request. */
  uploadLimitBytes: number;
  /** Checks the api_key before the first byte of a file is read; throws the spec's 403. */
  checkKey: (req: FastifyRequest, fields: Record<string, unknown>) => Promise<void>;
}

/**
 * Request bodies Open311 clients send: form-encoded (the spec), multipart with
 * photos (FixMyStreet), and, as a convenience, a flat XML or JSON document of
 * the same fields. Uploaded files land in `body[field]` as Upload objects.
 */
export async function open311Bodies(app: FastifyInstance, limits: BodyLimits) {
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: limits.mediaLimitBytes, files: FILES_PER_REQUEST, fields: 200, parts: FILES_PER_REQUEST + 200 } });
  // Multipart is read here, field by field, rather than by the plugin: files come last in
  // FixMyStreet's forms, so the key is checked on the first file and nothing is buffered for a stranger.
  app.addHook('preValidation', async (req) => {
    if (req.isMultipart()) req.body = await readMultipart(req, limits);
  });
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseXmlBody(body as string));
    } catch (err) {
      done(err as Error);
    }
  });
}

/** A flat XML document of the form's fields, or a 400 saying why not. */
export function parseXmlBody(text: string): Record<string, unknown> {
  // Refuse DTDs outright: no entity expansion, no external entities.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw invalid([{ field: 'body', message: 'XML with a DOCTYPE or ENTITY is not accepted' }]);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw invalid([{ field: 'body', message: `The XML is malformed: ${valid.err.msg} (line ${valid.err.line})` }]);
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(text) as Record<string, unknown>;
  } catch (err) {
    // The parser refuses names such as __proto__ and documents nested too deep.
    throw invalid([{ field: 'body', message: `The XML is not accepted: ${(err as Error).message.replace(/^\[\w+\]\s*/, '')}` }]);
  }
  const root = Object.values(doc)[0];
  return root && typeof root === 'object' && !Array.isArray(root) ? (root as Record<string, unknown>) : {};
}

/** Adds a value under a name; a repeated name becomes a list, as form parsers do. No prototype: a field may be called `__proto__`. */
function addField(body: Record<string, unknown>, name: string, value: unknown) {
  const had = body[name];
  body[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
}

async function readMultipart(req: FastifyRequest, limits: BodyLimits): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = Object.create(null);
  let keyChecked = false;
  let total = 0;
  const parts = req.parts();
  const ended = closingBoundarySeen(req);
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        addField(body, part.fieldname, part.value);
        continue;
      }
      if (!keyChecked) {
        await limits.checkKey(req, body);
        keyChecked = true;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limits.uploadLimitBytes) {
          throw new PipeworkError('BODY_TOO_LARGE', `The photos together are larger than ${limits.uploadLimitBytes} bytes`);
        }
        chunks.push(chunk);
      }
      addField(body, part.fieldname, { field: part.fieldname, filename: part.filename, data: Buffer.concat(chunks) } satisfies Upload);
    }
  } catch (err) {
    if (err instanceof PipeworkError || (err as { statusCode?: number }).statusCode === 413) throw err;
    // No boundary, a body cut off before its closing boundary, a malformed part: the client's mistake.
    throw invalid([{ field: 'body', message: `The multipart body could not be read: ${(err as Error).message}` }]);
  }
  // The parser stops quietly at a body cut off before its closing boundary; the last field would be lost.
  if (!ended()) throw invalid([{ field: 'body', message: 'The multipart body could not be read: it ends before its closing boundary' }]);
  return body;
}

/** Watches the tail of the raw body for `--BOUNDARY--`; call before reading the parts. */
function closingBoundarySeen(req: FastifyRequest): () => boolean {
  const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(String(req.headers['content-type']));
  const closing = `--${boundary?.[1] ?? boundary?.[2]}--`;
  let tail = '';
  req.raw.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.subarray(-closing.length - 8).toString('latin1')).slice(-closing.length - 8);
  });
  return () => tail.includes(closing);
}

export const isUpload = (v: unknown): v is Upload => !!v && typeof v === 'object' && Buffer.isBuffer((v as Upload).data);

/** Every uploaded file in a parsed body, whatever field it came in. */
export function uploadsOf(body: Record<string, unknown>): Upload[] {
  return Object.values(body).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isUpload);
}
