/**
 * Type-level tests of the stubs between objects: `npx tsc --noEmit` checks every `expectTypeOf`
 * and `@ts-expect-error` here. Each actor's RPC type is derived from its class (`Remote`), and
 * each stub helper returns the runtime's stub typed as it, without a cast: a method whose
 * signature changes changes what its callers may pass and get, and a caller that no longer fits
 * fails to compile.
 */
import { DurableObject } from 'cloudflare:workers'
import { describe, expectTypeOf, it } from 'vitest'
import type { CronActor, CronScheduleState, EventIndexActor, EventStreamActor, FlowGateActor, FlowGateInspection, RunActor, RunEventPayload, SlotActor, StoredEvent, StreamMatch } from '../../actors/internal.js'
import { cronActorStub, eventIndexStub, eventStreamStub, flowGateStub, hostedRunStub, runActorStub, slotStub } from '../../actors/internal.js'
import type { Remote } from '../../actors/remote.js'
import type { RunInspection, RunStatusSummary } from '../../actors/run-inspection.js'

/** Type checks only, never called. */
function typesOnly(check: () => void): void {
  void check
}

/** An object of the shape the actors have: a sync method, an async one, results with `unknown` data. */
class Ledger extends DurableObject {
  credit(amount: number): number {
    return amount
  }

  async entry(id: string): Promise<{ readonly id: string; readonly data: unknown } | null> {
    return id ? { id, data: null } : null
  }
}

/** The pattern every stub helper follows: the runtime's stub, typed as the class's Remote, no cast. */
function ledgerStub(namespace: DurableObjectNamespace<Ledger>, name: string): Remote<Ledger, 'credit' | 'entry'> {
  return namespace.get(namespace.idFromName(name))
}

describe('stubs between objects', () => {
  it('follow the class: parameters as declared, results awaited and in a promise', () => {
    typesOnly(() => {
      const ledger = ledgerStub(null!, 'books')
      expectTypeOf(ledger.credit).parameters.toEqualTypeOf<[amount: number]>()
      expectTypeOf(ledger.credit(1)).toEqualTypeOf<Promise<number>>()
      expectTypeOf(ledger.entry('e')).toEqualTypeOf<Promise<{ readonly id: string; readonly data: unknown } | null>>()
      // @ts-expect-error a caller passing what the method no longer takes fails to compile
      void ledger.credit('ten')
      // @ts-expect-error a method the class does not have is not on its stub
      void ledger.debit(1)
    })
  })

  it('keep results the runtime types would turn to never (why Remote exists)', () => {
    typesOnly(() => {
      const raw = null! as DurableObjectStub<Ledger>
      // The entry with `unknown` data is gone: only `null` is left. If a workers-types release
      // fixes this, stubs could be DurableObjectStub<T> as they are.
      expectTypeOf(raw.entry('e')).resolves.toEqualTypeOf<null>()
    })
  })

  it('type each actor stub from its class', () => {
    typesOnly(() => {
      const run = runActorStub(null! as DurableObjectNamespace<RunActor>, 'run')
      expectTypeOf(run.inspect()).resolves.toEqualTypeOf<RunInspection>()
      expectTypeOf(run.status()).resolves.toEqualTypeOf<RunStatusSummary>()
      expectTypeOf(run.start).parameters.toEqualTypeOf<Parameters<RunActor['start']>>()
      expectTypeOf(run.resolveWait).parameters.toEqualTypeOf<Parameters<RunActor['resolveWait']>>()
      expectTypeOf(hostedRunStub(null!, 'run').cancel).returns.resolves.toEqualTypeOf<RunInspection>()

      const index = eventIndexStub(null! as DurableObjectNamespace<EventIndexActor>, 0)
      expectTypeOf(index.get('id')).resolves.toEqualTypeOf<StoredEvent | null>()
      expectTypeOf(index.claim).parameters.toEqualTypeOf<Parameters<EventIndexActor['claim']>>()

      const stream = eventStreamStub(null! as DurableObjectNamespace<EventStreamActor>, 'name')
      expectTypeOf(stream.ingestAll).returns.resolves.toEqualTypeOf<StreamMatch[][]>()
      expectTypeOf(stream.register).returns.resolves.toEqualTypeOf<RunEventPayload | null>()

      expectTypeOf(flowGateStub(null! as DurableObjectNamespace<FlowGateActor>, 'gate').inspect()).resolves.toEqualTypeOf<FlowGateInspection | null>()
      expectTypeOf(slotStub(null! as DurableObjectNamespace<SlotActor>, 'slot').acquire).returns.resolves.toEqualTypeOf<boolean>()
      expectTypeOf(cronActorStub(null! as DurableObjectNamespace<CronActor>, 'fn', '* * * * *').inspect()).resolves.toEqualTypeOf<CronScheduleState | null>()
    })
  })

  it('reach an actor only through a namespace of its class', () => {
    typesOnly(() => {
      // @ts-expect-error a slot namespace is not a run namespace
      runActorStub(null! as DurableObjectNamespace<SlotActor>, 'run')
    })
  })
})
