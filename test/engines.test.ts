import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import semver from 'semver';

// The machines run Node.js 20, and several current npm majors need Node 22:
// a dependency upgrade that drops Node 20 must fail here, not on a council's server.
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: unknown; version?: string }> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

test('Pipework declares a Node 20 release as its minimum, in package.json and the lock alike', () => {
  const min = semver.minVersion(pkg.engines.node);
  assert.equal(min?.major, 20, `engines.node "${pkg.engines.node}" must start within Node 20`);
  assert.deepEqual(lock.packages[''].engines, pkg.engines);
});

test("every locked package's engines.node accepts the oldest Node Pipework supports", () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;
  const refused = Object.entries(lock.packages)
    .filter(([path]) => path !== '')
    .flatMap(([path, entry]) => {
      // npm keeps engines as an object; some old packages wrote an array of strings, which npm ignores.
      const range = entry.engines && !Array.isArray(entry.engines) ? (entry.engines as { node?: string }).node : undefined;
      return range && !semver.satisfies(oldest, range) ? [`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`] : [];
    });
  assert.deepEqual(refused, [], `these need a newer Node than ${oldest}; pin a version that supports it`);
});

test('the range check itself refuses what it should', () => {
  assert.equal(semver.satisfies('20.19.0', '^20.19.0 || >=22.12.0'), true);
  assert.equal(semver.satisfies('20.19.0', '>=22'), false);
  assert.equal(semver.satisfies('20.19.0', '>= 20.19.0'), true);
});
