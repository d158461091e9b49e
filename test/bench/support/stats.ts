/** Medians, percentiles and the results table the benchmarks print. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const p95 = (values: readonly number[]): number => percentile(values, 95);

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A target: the value must stay at or below (`max`), stay under (`below`) or reach at least (`min`) this. */
export interface Target {
  kind: 'max' | 'below' | 'min';
  value: number;
  unit: string;
}

export interface ResultRow {
  metric: string;
  /** The measured value compared with the target (a median unless the metric says otherwise). */
  value: number | null;
  /** Shown beside the value, e.g. the p95 of the same samples. */
  extra?: string;
  unit: string;
  target?: Target;
  /** Why there is no value (the step failed), or a remark. */
  note?: string;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatValue(value: number, unit: string): string {
  return `${formatNumber(value)} ${unit}`.trim();
}

/** The ratio value/target and whether the target is met. */
export function judge(value: number, target: Target): { ratio: number; met: boolean } {
  const ratio = value / target.value;
  const met = target.kind === 'max' ? value <= target.value : target.kind === 'below' ? value < target.value : value >= target.value;
  return { ratio, met };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The table: metric, value (and p95 where it applies), target, ratio value/target, pass or miss. */
export function renderTable(title: string, rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => {
    const value = row.value === null ? '—' : formatValue(row.value, row.unit);
    const sign = { max: '≤', below: '<', min: '≥' } as const;
    const target = row.target ? `${sign[row.target.kind]} ${formatValue(row.target.value, row.target.unit)}` : '';
    let ratio = '';
    let verdict = '';
    if (row.target && row.value !== null) {
      const judged = judge(row.value, row.target);
      ratio = `${judged.ratio.toFixed(2)}x`;
      verdict = judged.met ? 'pass' : 'MISS';
    } else if (row.target) verdict = 'n/a';
    return [row.metric, value, row.extra ?? '', target, ratio, verdict, row.note ?? ''];
  });
  const header = ['metric', 'value', 'also', 'target', 'ratio', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string =>
    c
      .map((text, i) => pad(text, widths[i] as number, i === 1 || i === 4))
      .join('  ')
      .trimEnd();
  return [title, line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
