import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { invalid } from '../../core/errors.ts';
import type { Upload } from '../../media/intake.ts';

const xml = new XMLParser({ processEntities: false, ignoreDeclaration: true, parseTagValue: false, ignoreAttributes: true });

/**
 * Request bodies Open311 clients send: form-encoded (the spec), multipart with
 * photos (FixMyStreet), and, as a convenience, a flat XML or JSON document of
 * the same fields. Uploaded files land in `body[field]` as Upload objects.
 */
export async function open311Bodies(app: FastifyInstance, opts: { mediaLimitBytes: number }) {
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: opts.mediaLimitBytes, files: 10, fields: 200 },
    async onFile(part) {
      const upload: Upload = { field: part.fieldname, filename: part.filename, data: await part.toBuffer() };
      (part as unknown as { value: Upload }).value = upload;
    },
  });
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    // Refuse DTDs outright: no entity expansion, no external entities.
    if (/<!DOCTYPE|<!ENTITY/i.test(text)) return done(invalid([{ field: 'body', message: 'XML with a DOCTYPE or ENTITY is not accepted' }]));
    const valid = XMLValidator.validate(text);
    if (valid !== true) return done(invalid([{ field: 'body', message: `The XML is malformed: ${valid.err.msg} (line ${valid.err.line})` }]));
    const doc = xml.parse(text) as Record<string, unknown>;
    const root = Object.values(doc)[0];
    done(null, root && typeof root === 'object' ? root : {});
  });
}

export const isUpload = (v: unknown): v is Upload => !!v && typeof v === 'object' && Buffer.isBuffer((v as Upload).data);

/** Every uploaded file in a parsed body, whatever field it came in. */
export function uploadsOf(body: Record<string, unknown>): Upload[] {
  return Object.values(body).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isUpload);
}
