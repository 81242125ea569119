/** One figure a benchmark section reports; `met` compares it with `target` when there is one. */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export type BenchSection = (ctx: { quick: boolean }) => Promise<BenchRow[]>;
