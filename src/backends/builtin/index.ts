import { Type } from '@sinclair/typebox';
import type { Backend } from '../port.ts';

/** The built-in case store takes no settings: the request stays in Pipework and staff handle it there. */
export const BuiltinConfig = Type.Object({}, { additionalProperties: false });

/**
 * Pipework's own case store. "Delivering" to it only records that Pipework
 * itself holds the case (its reference is the request id); staff move the
 * request on in the staff console, the admin API and the CLI (src/core/cases/),
 * which all go through recordUpdate.
 */
export function builtinBackend(name: string): Backend {
  return {
    name,
    kind: 'builtin',
    statusUpdates: 'none',
    guarantee: 'transaction',
    statusMap: {},
    async deliverRequest(job) {
      return { reference: job.request.id };
    },
    async deliverUpdate() {
      return {};
    },
    async health() {
      return { ok: true, detail: 'built in: requests stay in Pipework' };
    },
  };
}
