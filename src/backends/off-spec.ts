/**
 * Answers a back-end sent that were off its specification but still read
 * (a JSON object where the spec says array, XML when JSON was asked for…),
 * counted per back-end in this process, for /metrics
 * (`pipework_backend_answers_off_spec_total`). The notes themselves are kept
 * on the jobs they concern; this says how often, so a dashboard shows a
 * supplier drifting from the standard.
 */
const counts = new Map<string, number>();

export function countOffSpec(backend: string): void {
  counts.set(backend, (counts.get(backend) ?? 0) + 1);
}

export function offSpecCounts(): ReadonlyMap<string, number> {
  return counts;
}
