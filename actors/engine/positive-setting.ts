/**
 * Reading a worker's numeric settings (`INNGEST_MAX_EVENT_BYTES`, `INNGEST_LOOKBACK_HOURS` …):
 * the variable as a positive number (a whole one when `integer`), times `unit`; anything else,
 * unset included, leaves the default.
 */
export function positiveSetting(configured: string | undefined, fallback: number, { unit = 1, integer = false }: { unit?: number; integer?: boolean } = {}): number {
  const value = Number(configured)
  const valid = configured !== undefined && (integer ? Number.isSafeInteger(value) : Number.isFinite(value)) && value > 0
  return valid ? value * unit : fallback
}
