/**
 * `npm run bench:seed -- [--rows N] [--database URL] [--jurisdiction ID]`:
 * fills a Pipework database (default `sqlite:./data/bench.db`, never
 * DATABASE_URL) with N synthetic requests (default 1,000,000), fast, for the
 * benchmarks and for trying list queries at national scale.
 *
 * The rows are generated inside the database (a recursive CTE on SQLite,
 * generate_series on PostgreSQL) in chunks, so a million rows take seconds,
 * not minutes. Values are a deterministic function of the row number, so two
 * runs give the same data: ids grow with time (as real requests do), spread
 * over two years up to now; services and statuses follow a skewed mix.
 */
import { sql } from 'kysely';
import { pathToFileURL } from 'node:url';
import { openStore } from '../src/store/index.ts';
import { seedDemo } from '../src/demo/seed.ts';

const DAY = 86_400_000;
export const SEED_SPAN_DAYS = 730;

/** Share of rows per service (per mille): a few services get most reports. */
export const SERVICE_MIX: [string, number][] = [
  ['pothole', 350],
  ['fly_tipping', 200],
  ['street_light', 150],
  ['missed_bin', 150],
  ['graffiti', 100],
  ['dog_fouling', 50],
];

/** Share of rows per status (per mille): most requests are finished; some statuses are rare. */
export const STATUS_MIX: [string, number][] = [
  ['closed', 450],
  ['fixed', 200],
  ['open', 120],
  ['in_progress', 60],
  ['action_scheduled', 40],
  ['investigating', 30],
  ['planned', 20],
  ['duplicate', 20],
  ['not_councils_responsibility', 15],
  ['no_further_action', 15],
  ['for_triage', 10],
  ['internal_referral', 8],
  ['reopen', 7],
  ['cancelled', 5],
];

/** A CASE picking from a per-mille mix with the value `r` in 0..999. */
const pick = (r: string, mix: [string, number][]) => {
  let upto = 0;
  const arms = mix.map(([v, w]) => `WHEN ${r} < ${(upto += w)} THEN '${v}'`);
  return `CASE ${arms.join(' ')} ELSE '${mix[0][0]}' END`;
};

/**
 * A well-spread number in 0..999 from the row number `i`: a multiplicative
 * hash with a different odd multiplier per column, so columns (service,
 * status, …) are independent of each other, not shifted copies.
 */
const MULTIPLIERS = [2654435761, 2246822519, 3266489917, 668265263, 374761393, 1597334677, 3812015801, 1181783497];
const mix1000 = (i: string, salt: number) => `(((${i} * ${MULTIPLIERS[salt]} + ${salt * 7919}) % 4294967296) / 4294967 % 1000)`;

export interface SeedResult {
  rows: number;
  seconds: number;
}

/**
 * Adds `rows` requests to the database at `databaseUrl` (migrated and with the
 * demo council seeded first if empty). Returns how long it took.
 */
export async function seedRequests(databaseUrl: string, rows: number, jurisdiction = 'example'): Promise<SeedResult> {
  const started = Date.now();
  const store = await openStore(databaseUrl);
  try {
    await seedDemo(store);
    const now = Date.now();
    const start = now - SEED_SPAN_DAYS * DAY;
    const step = (SEED_SPAN_DAYS * DAY) / rows;
    const pg = store.dialect === 'postgres';
    const chunk = 100_000;
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      const i = pg ? 'g.i::bigint' : 'n.i';
      const at = `(${start} + CAST(${i} * ${step} AS BIGINT) - ${mix1000(i, 7)} * 1000)`;
      const select = `
        SELECT '${jurisdiction}', ${pick(mix1000(i, 1), SERVICE_MIX)}, ${pick(mix1000(i, 2), STATUS_MIX)},
          'Generated report ' || ${i} || ': reported by a resident near the junction; the surface has broken up and water collects in it after rain. Please inspect.',
          '{"depth":"deep","width_cm":"' || ${mix1000(i, 3)} || '"}',
          51.28 + ${mix1000(i, 4)} / 2500.0, -0.51 + ${mix1000(i, 5)} / 1000.0,
          ${i} || ' High Street, Example Town', '[]', 'bench-seed', ${at}, ${at}`;
      const insert = `INSERT INTO service_requests
        (jurisdiction_id, service_code, status, description, attributes, lat, long, address, media_urls, source, requested_at, updated_at)`;
      const text = pg
        ? `${insert} ${select} FROM generate_series(${from}, ${to}) AS g(i)`
        : `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}) ${insert} ${select} FROM n`;
      await sql.raw(text).execute(store.db);
    }
    // Fresh statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would give a long-running database.
    await sql`ANALYZE`.execute(store.db);
    return { rows, seconds: (Date.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bench:seed -- [--rows N] [--database sqlite:PATH|postgres://…] [--jurisdiction ID]`);
  process.exit(64);
}

async function main(argv: string[]) {
  const opts: Record<string, string> = {};
  for (let k = 0; k < argv.length; k += 2) {
    const [name, value] = [argv[k], argv[k + 1]];
    if (!['--rows', '--database', '--jurisdiction'].includes(name)) usage(`unknown option ${name}`);
    if (value === undefined) usage(`${name} needs a value`);
    opts[name.slice(2)] = value;
  }
  const rows = Number(opts.rows ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1 || rows > 50_000_000) usage(`--rows must be a whole number from 1 to 50000000, got "${opts.rows}"`);
  // Never DATABASE_URL by default: synthetic rows must not land in a council's real database by accident.
  const url = opts.database ?? 'sqlite:./data/bench.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(url)) usage(`--database must be sqlite:PATH or postgres://…, got "${url}"`);
  const jurisdiction = opts.jurisdiction ?? 'example';
  if (!/^[\w-]{1,64}$/.test(jurisdiction)) usage(`--jurisdiction must be letters, digits, _ or -, got "${jurisdiction}"`);
  const result = await seedRequests(url, rows, jurisdiction);
  console.log(`Added ${result.rows} requests to ${url.replace(/\/\/[^@]*@/, '//…@')} in ${result.seconds.toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`bench:seed failed: ${err.message}`);
    process.exit(1);
  });
}
