import { describe, expect, it } from 'vitest'
import { CronSyntaxError, parseCron } from '../../actors/engine/cron'

const at = (iso: string) => Date.parse(iso)
const iso = (epochMs: number) => new Date(epochMs).toISOString()

/** The next `count` ticks after `from`, as ISO strings. */
function ticks(expression: string, from: string, count: number): string[] {
  const schedule = parseCron(expression, 'triggers[0].cron')
  const out: string[] = []
  let cursor = at(from)
  for (let i = 0; i < count; i += 1) {
    cursor = schedule.nextAfter(cursor)
    out.push(iso(cursor))
  }
  return out
}

function syntaxErrorOf(expression: string, field = 'triggers[0].cron'): CronSyntaxError {
  try {
    parseCron(expression, field)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toBeInstanceOf(CronSyntaxError)
    return error as CronSyntaxError
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be rejected`)
}

describe('parseCron', () => {
  it('fires every minute, strictly after the given instant', () => {
    expect(ticks('* * * * *', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z'])
    const everyMinute = parseCron('* * * * *', 'triggers[0].cron')
    expect(iso(everyMinute.nextAfter(at('2026-01-01T00:00:59.999Z')))).toBe('2026-01-01T00:01:00.000Z')
    expect(iso(everyMinute.nextAfter(at('2026-01-01T00:00:00.001Z')))).toBe('2026-01-01T00:01:00.000Z')
  })

  it('reads five fields in UTC by default', () => {
    const schedule = parseCron('0 9 * * *', 'triggers[0].cron')
    expect(schedule.timeZone).toBe('UTC')
    expect(ticks('0 9 * * *', '2026-06-01T09:00:00Z', 2)).toEqual(['2026-06-02T09:00:00.000Z', '2026-06-03T09:00:00.000Z'])
    expect(ticks('*/15 * * * *', '2026-06-01T10:07:00Z', 3)).toEqual(['2026-06-01T10:15:00.000Z', '2026-06-01T10:30:00.000Z', '2026-06-01T10:45:00.000Z'])
    expect(ticks('0 9 * * MON-FRI', '2026-06-05T10:00:00Z', 2)).toEqual(['2026-06-08T09:00:00.000Z', '2026-06-09T09:00:00.000Z'])
    expect(ticks('5/20 * * * *', '2026-06-01T10:00:00Z', 3)).toEqual(['2026-06-01T10:05:00.000Z', '2026-06-01T10:25:00.000Z', '2026-06-01T10:45:00.000Z'])
  })

  it('reads six fields with seconds first', () => {
    expect(ticks('30 0 9 * * *', '2026-06-01T00:00:00Z', 1)).toEqual(['2026-06-01T09:00:30.000Z'])
    expect(ticks('*/20 * * * * *', '2026-06-01T00:00:00Z', 3)).toEqual(['2026-06-01T00:00:20.000Z', '2026-06-01T00:00:40.000Z', '2026-06-01T00:01:00.000Z'])
  })

  it('keeps 09:00 in Paris across the March DST change (08:00Z, then 07:00Z)', () => {
    const schedule = parseCron('TZ=Europe/Paris 0 9 * * *', 'triggers[0].cron')
    expect(schedule.timeZone).toBe('Europe/Paris')
    expect(schedule.expression).toBe('TZ=Europe/Paris 0 9 * * *')
    expect(ticks('TZ=Europe/Paris 0 9 * * *', '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ])
  })

  it('fires a time skipped by DST once the clocks have jumped, and a repeated time once', () => {
    // 02:30 does not exist in Paris on 2026-03-29 and happens twice on 2026-10-25.
    expect(ticks('TZ=Europe/Paris 30 2 * * *', '2026-03-28T12:00:00Z', 2)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'])
    expect(ticks('TZ=Europe/Paris 30 2 * * *', '2026-10-24T12:00:00Z', 2)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'])
  })

  it('accepts CRON_TZ= as well as TZ=', () => {
    expect(ticks('CRON_TZ=America/New_York 0 12 * * 5', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-02T17:00:00.000Z'])
  })

  it('expands macros', () => {
    expect(ticks('@daily', '2026-06-01T10:00:00Z', 1)).toEqual(['2026-06-02T00:00:00.000Z'])
    expect(ticks('@hourly', '2026-06-01T10:00:00Z', 1)).toEqual(['2026-06-01T11:00:00.000Z'])
    expect(ticks('TZ=Asia/Tokyo @midnight', '2026-06-01T10:00:00Z', 1)).toEqual(['2026-06-01T15:00:00.000Z'])
    expect(ticks('@weekly', '2026-06-01T10:00:00Z', 1)).toEqual(['2026-06-07T00:00:00.000Z'])
  })

  it('runs @every on fixed multiples of the duration since the epoch', () => {
    expect(ticks('@every 5m', '2026-06-01T10:07:30Z', 2)).toEqual(['2026-06-01T10:10:00.000Z', '2026-06-01T10:15:00.000Z'])
    expect(ticks('@every 1h30m', '2026-06-01T00:00:00Z', 1)).toEqual(['2026-06-01T01:30:00.000Z'])
  })

  it('takes an instant and returns one, reading nothing else', () => {
    const schedule = parseCron('0 0 1 1 *', 'triggers[0].cron')
    expect(schedule.nextAfter(0)).toBe(at('1971-01-01T00:00:00Z'))
    expect(() => schedule.nextAfter(Number.NaN)).toThrow(RangeError)
  })
})

describe('parseCron rejects bad expressions', () => {
  it('names the field, the problem and a fix', () => {
    const error = syntaxErrorOf('0 9 * *')
    expect(error.name).toBe('TypeError')
    expect(error.field).toBe('triggers[0].cron')
    expect(error.message).toBe(
      'triggers[0].cron: is not a valid cron expression (needs 5 or 6 fields, got 4; got "0 9 * *"). ' +
        'Fix: use five cron fields such as "0 9 * * *" (minute hour day-of-month month day-of-week), optionally prefixed with a zone: "TZ=Europe/Paris 0 9 * * *".',
    )
  })

  it.each([
    ['7 fields', '0 0 9 * * * 2030', /needs 5 or 6 fields, got 7/],
    ['a minute of 61', '61 * * * *', /Invalid value for minute: 61/],
    ['an hour of 24', '0 24 * * *', /Invalid value for hour: 24/],
    ['a zero step', '*/0 * * * *', /illegal stepping: 0/],
    ['a reversed range', '0 9 * * 5-1', /From value is larger than to value/],
    ['letters in a number field', '0 nine * * *', /illegal characters/],
  ])('rejects %s', (_case, expression, problem) => {
    const error = syntaxErrorOf(expression)
    expect(error.problem).toMatch(/^is not a valid cron expression \(/)
    expect(error.problem).toMatch(problem)
    expect(error.fix).toContain('"0 9 * * *"')
  })

  it('rejects an unknown time zone', () => {
    const error = syntaxErrorOf('TZ=Europe/Atlantis 0 9 * * *', 'triggers.cron')
    expect(error.message).toBe(
      'triggers.cron: has an unknown time zone "Europe/Atlantis". Fix: use an IANA zone such as "TZ=Europe/Paris 0 9 * * *" or "TZ=America/New_York 0 9 * * *".',
    )
  })

  it('rejects a time zone with no schedule', () => {
    expect(syntaxErrorOf('TZ=Europe/Paris').problem).toBe('has a time zone but no schedule (got "TZ=Europe/Paris")')
  })

  it('rejects an unknown macro, listing the known ones', () => {
    const error = syntaxErrorOf('@fortnightly')
    expect(error.problem).toBe('is not a known macro (got "@fortnightly")')
    expect(error.fix).toContain('@daily')
  })

  it('rejects a bad or sub-second @every', () => {
    expect(syntaxErrorOf('@every soon').problem).toBe('has a bad @every duration (got "soon")')
    expect(syntaxErrorOf('@every 500ms').fix).toContain('at least 1s')
  })

  it('rejects a schedule that never fires', () => {
    const error = syntaxErrorOf('0 0 30 2 *')
    expect(error.problem).toBe('never fires: no date matches "0 0 30 2 *"')
    expect(error.fix).toContain('February 30')
  })

  it('rejects an empty expression', () => {
    expect(syntaxErrorOf('   ').problem).toBe('must be a non-empty cron expression (got "   ")')
  })
})
