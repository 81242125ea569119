// The slice of `semver` (already in the lock as a dependency of other packages; it ships no types) that test/engines.test.ts uses.
declare module 'semver' {
  const semver: {
    satisfies(version: string, range: string): boolean;
    minVersion(range: string): { major: number; version: string } | null;
  };
  export default semver;
}
