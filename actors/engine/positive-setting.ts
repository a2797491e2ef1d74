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

/**
 * A shard count a worker set (`INNGEST_EVENT_INDEX_SHARDS`, `INNGEST_STREAM_SHARDS` …) as a
 * positive integer; null when unset or empty. A count set to anything else throws instead of
 * falling back as other settings do: a silent default would file data where no lookup finds it.
 * @throws TypeError naming the variable and the fix
 */
export function shardCountSetting(variable: string, configured: string | undefined, defaultCount: number): number | null {
  if (configured === undefined || configured.trim() === '') return null
  const count = positiveSetting(configured, Number.NaN, { integer: true })
  if (Number.isNaN(count)) {
    throw new TypeError(`${variable} is "${configured}"; a shard count must be a positive integer. Fix: set it to a whole number such as "${defaultCount === 1 ? 4 : defaultCount}", or remove it for the default of ${defaultCount}.`)
  }
  return count
}
