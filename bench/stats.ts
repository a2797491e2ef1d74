/**
 * Order statistics and a plain-text table for the benchmark's report. Medians and quartiles,
 * never means: a GC pause or a disk flush in one round must not move the figure.
 */

/** The spread of a sample. */
export interface Spread {
  /** Shown beside the median for figures quantised by the 1 ms clock, where the median sticks to a tick. */
  readonly mean: number
  readonly median: number
  readonly p25: number
  readonly p75: number
  readonly min: number
  readonly max: number
}

/** The `q` quantile (0…1) of `values`, interpolating between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below)
}

export function spread(values: readonly number[]): Spread {
  return {
    mean: values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length,
    median: quantile(values, 0.5),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: quantile(values, 0),
    max: quantile(values, 1),
  }
}

/** A number with `digits` decimals, or a dash when it is not a number. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–'
}

/** Columns padded to their widest cell; the first `textColumns` left-aligned, the rest (figures) right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)))
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column < textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
  const rule = widths.map((width) => '─'.repeat(width)).join('  ')
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** "median [p25–p75]" of `values`, each with `digits` decimals. */
export function medianRange(values: readonly number[], digits = 0): string {
  const s = spread(values)
  return `${fixed(s.median, digits)} [${fixed(s.p25, digits)}–${fixed(s.p75, digits)}]`
}

/** A ratio with two decimals and a ×, or a dash. */
export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–'
}
