import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminOptions } from './plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import { readPatternText, toYaml } from '../patterns/files.ts';
import { validateDocument, type PatternProblem } from '../patterns/validate.ts';
import { findPattern, importPatterns, parseRef, publishPattern } from '../patterns/lifecycle.ts';
import { adoptPattern } from '../patterns/adopt.ts';
import { diffPatterns } from '../patterns/diff.ts';
import { exportDocument, exportPattern } from '../patterns/export.ts';
import { compareVersions } from '../patterns/semver.ts';
import type { ServicePattern } from '../patterns/schema.ts';
import { resolveJurisdiction } from '../core/access/jurisdiction.ts';
import { starterPattern } from '../patterns/library.ts';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: unknown }>;

const asProblems = (problems: PatternProblem[]) =>
  problems.map((p) => ({ field: p.path, message: p.line ? `line ${p.line}: ${p.message}` : p.message }));

/** A body is JSON (already parsed) or YAML text; either way it ends up validated, with paths. */
function readBody(body: unknown): ReturnType<typeof readPatternText> {
  if (typeof body === 'string') return readPatternText(body);
  return validateDocument(body);
}

/**
 * Service patterns over the admin API (same operations as `npx pipework
 * patterns`): list, export, validate, import, publish, diff, adopt, and the
 * updates flagged because they broke a pattern's transitions.
 */
export async function patternAdminRoutes(app: FastifyInstance, { store }: AdminOptions): Promise<void> {
  await app.register(async (scope) => {
    // YAML is the format councils write by hand; accept it as text and parse it ourselves, with line numbers.
    scope.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.get('/patterns', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const all = (await store.patterns.list(j)).sort((a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version));
      return { jurisdiction_id: j, patterns: all.map((p) => ({ id: p.id, version: p.version, lifecycle: p.lifecycle, name: p.document.name })) };
    });

    scope.get('/patterns/:id', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const versions = (await store.patterns.versions(j, req.params.id)).sort((a, b) => compareVersions(a.version, b.version));
      if (!versions.length) throw new PipeworkError('PATTERN_NOT_FOUND', `No pattern ${req.params.id} in ${j}'s library`);
      return { id: req.params.id, versions: versions.map((p) => ({ version: p.version, lifecycle: p.lifecycle, published_at: p.publishedAt?.toISOString() ?? null })) };
    });

    scope.get('/patterns/:id/:version', async (req: Req, reply) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const doc = exportPattern(await findPattern(store, j, req.params.id, req.params.version === 'latest' ? undefined : req.params.version));
      if (req.query.format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(toYaml(doc));
      return doc;
    });

    // Several patterns at once, as a bundle: ?ids=pothole,street_light@1.0.0
    scope.get('/pattern-bundle', async (req: Req, reply) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const refs = (req.query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const found = refs.length ? await Promise.all(refs.map((r) => findPattern(store, j, parseRef(r).id, parseRef(r).version))) : await store.patterns.list(j);
      if (!found.length) throw new PipeworkError('PATTERN_NOT_FOUND', `${j}'s library is empty`);
      const doc = exportDocument(found, { name: `${j} service patterns`, publisher: j });
      const bundle = 'patterns' in doc ? doc : { bundle: { name: `${j} service patterns`, publisher: j }, patterns: [doc] };
      if (req.query.format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(toYaml(bundle));
      return bundle;
    });

    scope.post('/patterns/validate', async (req: Req) => {
      const r = readBody(req.body);
      return { valid: r.problems.length === 0, patterns: r.patterns.map((p) => `${p.id}@${p.version}`), problems: asProblems(r.problems) };
    });

    scope.post('/patterns', async (req: Req, reply) => {
      const r = readBody(req.body);
      if (r.problems.length) throw new PipeworkError('INVALID_INPUT', `The pattern document has ${r.problems.length} problem(s); nothing was imported`, asProblems(r.problems));
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const imported = await importPatterns(store, j, r.patterns);
      return reply.code(imported.some((i) => i.outcome !== 'unchanged') ? 201 : 200).send({ jurisdiction_id: j, imported });
    });

    scope.post('/patterns/:id/:version/publish', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const p = await publishPattern(store, j, req.params.id, req.params.version);
      return { id: p.id, version: p.version, lifecycle: p.lifecycle, published_at: p.publishedAt?.toISOString() };
    });

    // What changed: from ?against=ID@VERSION (default: the pattern it was derived from) to this version.
    scope.get('/patterns/:id/:version/diff', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const b = exportPattern(await findPattern(store, j, req.params.id, req.params.version));
      const ref = req.query.against ? parseRef(req.query.against) : b.provenance.derived_from;
      if (!ref) throw new PipeworkError('INVALID_INPUT', `${b.id}@${b.version} was not derived from another pattern; say what to compare with in ?against=ID@VERSION`, [{ field: 'against', message: 'is required' }]);
      const a: ServicePattern | undefined = await findPattern(store, j, ref.id, ref.version).then(exportPattern, () => starterPattern(ref.id, ref.version));
      if (!a) throw new PipeworkError('PATTERN_NOT_FOUND', `No pattern ${ref.id}${ref.version ? `@${ref.version}` : ''} to compare with`);
      return { from: `${a.id}@${a.version}`, to: `${b.id}@${b.version}`, changes: diffPatterns(a, b) };
    });

    scope.post('/patterns/:id/adopt', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      for (const k of ['version', 'service_code']) {
        if (body[k] !== undefined && typeof body[k] !== 'string') throw new PipeworkError('INVALID_INPUT', `${k} must be text`, [{ field: k, message: `${k} must be text` }]);
      }
      const s = await adoptPattern(store, j, req.params.id, { version: body.version as string | undefined, serviceCode: body.service_code as string | undefined });
      return { jurisdiction_id: j, service_code: s.code, pattern: s.pattern };
    });

    scope.get('/flagged-updates', async (req: Req) => {
      const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
      const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
      const flagged = await store.patterns.flaggedUpdates(j, limit);
      return {
        updates: flagged.map((u) => ({
          update_id: u.id, service_request_id: u.requestId, status: u.status, description: u.description,
          author_kind: u.authorKind, updated_datetime: u.updatedAt.toISOString(), flag: u.flag,
        })),
      };
    });
  });
}
