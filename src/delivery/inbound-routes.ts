import type { FastifyInstance } from 'fastify';
import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import { toPipeworkError } from '../http/errors.ts';
import { jsonErrorHandler } from '../http/json-errors.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import { InboundError } from '../backends/port.ts';
import { applyStatusReport } from './status-in.ts';

/**
 * The inbound status path (with status-in.ts and pull.ts beside it).
 * POST /backends/{name}/updates: where push back-ends (webhook; rest with `push`)
 * send status updates, signed with the back-end's secret (see
 * docs/webhook-contract.openapi.yaml; a rest back-end as its configuration says).
 * The raw body is kept for the signature check. One report: 200, or 404 when
 * its reference is unknown. Several: 200 with one result each.
 */
export async function backendInboundRoutes(app: FastifyInstance, { store, backends: registry }: { store: Store; backends: BackendRegistry }) {
  // JSON, or XML for a `rest` back-end that pushes XML: the raw body is kept, for the signature check.
  app.addContentTypeParser(['application/json', 'application/xml', 'text/xml'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(jsonErrorHandler('back-end inbound call failed'));

  app.post<{ Params: { name: string } }>('/backends/:name/updates', { schema: { hide: true } as object }, async (req) => {
    const { backend } = await registry.get(req.params.name);
    if (!backend?.parseInbound) throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${req.params.name}" takes status updates here`);
    if (!Buffer.isBuffer(req.body)) throw new PipeworkError('UNSUPPORTED_MEDIA_TYPE', 'Send the updates as application/json (or XML where the back-end is configured so)');
    let reports;
    try {
      reports = await backend.parseInbound(req.headers, req.body);
    } catch (e) {
      if (!(e instanceof InboundError)) throw e;
      req.log.warn({ backend: backend.name, reason: e.message }, 'inbound status update refused');
      throw new PipeworkError(e.status === 401 ? 'SIGNATURE_INVALID' : 'INVALID_INPUT', e.message);
    }
    const results = [];
    for (const report of reports) {
      try {
        const r = await applyStatusReport(store, backend, report);
        if (!r.known) req.log.warn({ backend: backend.name, request: r.requestId, code: report.code }, 'unknown back-end status code kept, not mapped');
        results.push({ reference: report.reference ?? null, service_request_id: r.requestId, status: r.status, known_status: r.known, duplicate: r.duplicate, update_id: r.updateId ?? null });
      } catch (e) {
        const err = toPipeworkError(e);
        req.log.warn({ backend: backend.name, reference: report.reference ?? report.requestId, error: err.message }, 'inbound status update not applied');
        if (reports.length === 1) throw err;
        results.push({ reference: report.reference ?? null, error: { code: err.code, message: err.message } });
      }
    }
    return { results };
  });
}
