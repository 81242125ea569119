import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;

/**
 * Fastify's own validator compiler (same Ajv, same options), compiling each
 * route's schema when the route is first used rather than at start: over a
 * hundred routes' schemas cost a start about a quarter of its CPU (decision
 * 0166). The first request to a route pays its few milliseconds; a schema
 * Ajv refuses fails that route's requests instead of the start, which the
 * tests that exercise every route catch.
 */
export function lazyValidators(): BuildValidator {
  const build = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let compiled: ReturnType<typeof compile> | undefined;
      const real = () => (compiled ??= compile(route));
      const validate = (data: unknown, ctx?: unknown) => (real() as (d: unknown, c?: unknown) => unknown)(data, ctx);
      // Fastify reads these from the function it was given: Ajv's errors, and whether Ajv may change the root value.
      Object.defineProperty(validate, 'errors', { get: () => (real() as { errors?: unknown }).errors });
      Object.defineProperty(validate, 'schemaEnv', { get: () => (real() as { schemaEnv?: unknown }).schemaEnv });
      return validate as ReturnType<typeof compile>;
    };
  };
}
