/**
 * The event-side flow gates as a property. A generated stream of events for one key (a fresh key
 * per stream) goes through the queue consumer's `startRunsFor`, one at a time and awaited, to
 * four functions on one event name: rateLimit 3/h, idempotency on (key, dup), singleton skip (its
 * first run sleeps an hour, so it stays active) and debounce 1h. Between events the stream ends
 * quiet periods (fires the debounce gate's alarm, which time-travels), redelivers earlier events
 * and evicts gate actors. Then:
 *
 * - every event either runs or is recorded as Skipped by the option that skipped it: rateLimit
 *   lets exactly the first three through, idempotency the first of each dup, singleton the first;
 * - debounce runs exactly once per quiet period, with that period's last event, and never for
 *   the others; redeliveries and evictions change nothing.
 *
 * Reproducing a failure: fast-check prints `seed` and `path`; rerun with
 *   FC_SEED=<seed> npx vitest run test/actors/flow-gates.prop.test.ts
 */
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import fc from 'fast-check'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { FlowGateKind, RunEventPayload, RunInspection } from '../../actors/internal.js'
import { startRunsFor } from '../../src/events/route-events.js'
import { seedParams } from '../fixtures/fc-seed.js'
import { rawGate, runOf } from '../fixtures/gates.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, testEnv, waitForRun } from '../fixtures/runs.js'

const DEBOUNCE = 'shop-gate-prop-debounce'
const RATE = 'shop-gate-prop-rate'
const IDEMPOTENT = 'shop-gate-prop-idempotency'
const SINGLETON = 'shop-gate-prop-singleton'
const RATE_LIMIT = 3

type Action =
  | { readonly do: 'send'; readonly dup: number }
  | { readonly do: 'quiet' }
  | { readonly do: 'redeliver'; readonly pick: number }
  | { readonly do: 'evict'; readonly gate: FlowGateKind }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ do: fc.constant('send' as const), dup: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.constant({ do: 'quiet' as const }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('redeliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('evict' as const), gate: fc.constantFrom<FlowGateKind>('debounce', 'rateLimit', 'idempotency', 'singleton') }) },
)

/** The gate of `kind` for this stream's key (idempotency keys on key and dup). */
function gateFor(kind: FlowGateKind, key: string, dup = 0) {
  if (kind === 'debounce') return rawGate('debounce', DEBOUNCE, key)
  if (kind === 'rateLimit') return rawGate('rateLimit', RATE, key)
  if (kind === 'idempotency') return rawGate('idempotency', IDEMPOTENT, `${key}:${dup}`)
  return rawGate('singleton', SINGLETON, key)
}

/** What the model expects of each event, in the order the stream sent them. */
interface Expected {
  readonly event: RunEventPayload
  readonly rate: 'ran' | 'skipped'
  readonly idempotency: 'ran' | 'skipped'
  readonly singleton: 'ran' | 'skipped'
  /** Whether it is the last event of its quiet period (the one debounce runs with). */
  debounced: boolean
}

async function play(actions: readonly Action[]): Promise<Expected[]> {
  const key = uniqueLabel('prop')
  const sent: Expected[] = []
  const dups = new Set<number>()
  let period: Expected[] = []
  const endPeriod = () => {
    const last = period.at(-1)
    if (last) last.debounced = true
    period = []
  }
  for (const step of actions) {
    if (step.do === 'send') {
      const event = { name: 'gates/prop', id: ulid(), ts: Date.now(), data: { key, dup: step.dup } }
      const expected: Expected = {
        event,
        rate: sent.length < RATE_LIMIT ? 'ran' : 'skipped',
        idempotency: dups.has(step.dup) ? 'skipped' : 'ran',
        singleton: sent.length === 0 ? 'ran' : 'skipped',
        debounced: false,
      }
      dups.add(step.dup)
      sent.push(expected)
      period.push(expected)
      await startRunsFor(event, testEnv)
    } else if (step.do === 'quiet') {
      await runDurableObjectAlarm(await gateFor('debounce', key))
      endPeriod()
    } else if (step.do === 'redeliver') {
      if (sent.length > 0) await startRunsFor(sent[step.pick % sent.length]!.event, testEnv)
    } else {
      // A gate that is not running (never used, or just evicted) has nothing to lose.
      await evictDurableObject(await gateFor(step.gate, key, sent.at(-1)?.event.data.dup as number | undefined)).catch((error: unknown) => {
        if (!String(error).includes('not currently running')) throw error
      })
    }
  }
  await runDurableObjectAlarm(await gateFor('debounce', key))
  endPeriod()
  return sent
}

/** `ran`: the run exists and was not skipped; `skipped`: recorded as Skipped by `reason`. */
function expectOutcome(run: RunInspection, outcome: 'ran' | 'skipped', reason: string, label: string): void {
  if (outcome === 'skipped') {
    expect(run.status, label).toBe('Skipped')
    expect(run.snapshot?.context.error?.message, label).toBe(reason)
  } else {
    expect(['Running', 'Scheduled', 'Completed'], `${label}: ${run.status}`).toContain(run.status)
  }
}

async function check(sent: readonly Expected[]): Promise<void> {
  for (const [index, expected] of sent.entries()) {
    const { id } = expected.event
    const label = `event #${index}`
    expectOutcome(await runOf(expected.event, RATE), expected.rate, 'rateLimit', `${label} rateLimit`)
    expectOutcome(await runOf(expected.event, IDEMPOTENT), expected.idempotency, 'idempotency', `${label} idempotency`)
    expectOutcome(await runOf(expected.event, SINGLETON), expected.singleton, 'singleton', `${label} singleton`)
    if (expected.debounced) {
      const run = await waitForRun(await runIdFor(expected.event, DEBOUNCE), (r) => r.status === 'Completed')
      expect(run.output, `${label} debounce`).toEqual({ event: id, events: [id], n: [null] })
    } else {
      expect((await runOf(expected.event, DEBOUNCE)).status, `${label} debounce`).toBe('Unknown')
    }
  }
}

describe('flow gates (property)', () => {
  it('runs or records as skipped every event, and debounces once per quiet period with its last event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 10 }), async (actions) => {
        await check(await play(actions))
      }),
      seedParams({ numRuns: 15, endOnFailure: true }),
    )
  })

  it.each<[string, Action[]]>([
    ['an older event redelivered within its quiet period', [{ do: 'send', dup: 0 }, { do: 'send', dup: 1 }, { do: 'redeliver', pick: 0 }, { do: 'quiet' }]],
    ['a redelivery after its quiet period ended', [{ do: 'send', dup: 0 }, { do: 'quiet' }, { do: 'redeliver', pick: 0 }, { do: 'send', dup: 0 }]],
    ['evictions between every event', [{ do: 'send', dup: 1 }, { do: 'evict', gate: 'debounce' }, { do: 'send', dup: 1 }, { do: 'evict', gate: 'singleton' }, { do: 'send', dup: 2 }, { do: 'evict', gate: 'rateLimit' }, { do: 'send', dup: 0 }, { do: 'send', dup: 0 }]],
  ])('holds for %s', async (_, actions) => {
    await check(await play(actions))
  })
})
