/**
 * The test engine's stand-in for a run's Durable Object: step rows in a map, timers in a set,
 * `step.sendEvent` recorded instead of published. Between passes `fireTimers` does at once what
 * the run's alarms would do later: a sleep elapses, a wait resolves (with its mock's event or
 * null), an invoke returns (its mock's result, or fails), a retry falls due.
 */
import type { InvokeRequest, RunEventPayload, StepRecorder, WaitRequest } from '../../actors/engine/executor.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import { hasAttemptsLeft, type RetryPolicy } from '../../machines/index.js'
import { serializeError } from '../../actors/engine/errors.js'

/** A mocked step's body, by step key: its return is the step's result, a throw its error. */
export type StepMocks = ReadonlyMap<string, () => unknown>

type TimerKind = 'sleep' | 'retry' | 'wait'

export class MemoryRecorder {
  /** Step rows by key, as a run's storage holds them. */
  readonly rows = new Map<string, StepRow>()
  /** Events `step.sendEvent` would have published, in order. */
  readonly sent: RunEventPayload[] = []
  private readonly timers = new Map<string, TimerKind>()
  /** Called with each row written: `executeStep` stops at its step. */
  onStep: ((row: StepRow) => void) | undefined

  constructor(
    private readonly retry: RetryPolicy,
    private readonly maxSteps: number,
  ) {}

  /** The recorder one pass runs against: the memo is the rows as they stand now. */
  forPass(): StepRecorder {
    return {
      memo: new Map(this.rows),
      now: () => Date.now(),
      pendingTimer: (stepKey) => {
        const kind = this.timers.get(stepKey)
        return kind ? { stepKey, kind, at: Date.now() } : undefined
      },
      canRecordStep: () => this.rows.size < this.maxSteps,
      mayStartStep: () => true,
      completeStep: (row) => this.write(row),
      failStep: (row, failedAttempt, _error, nonRetriable) => {
        const retrying = !nonRetriable && hasAttemptsLeft(this.retry, failedAttempt)
        if (retrying) this.timers.set(row.key, 'retry')
        this.write({ ...row, status: retrying ? 'retrying' : 'failed' })
        return retrying ? 'retrying' : 'failed'
      },
      requestSleep: (row) => this.wait(row, 'sleep'),
      requestWait: (row, _wait: WaitRequest) => this.wait(row, 'wait'),
      requestInvoke: (row, _invoke: InvokeRequest) => this.wait(row, 'wait'),
      publishEvents: async (events) => void this.sent.push(...events),
    }
  }

  /** Fires every pending timer; false when there was none (the run cannot go on). */
  async fireTimers(mocks: StepMocks): Promise<boolean> {
    const due = [...this.timers.keys()]
    this.timers.clear()
    for (const key of due) {
      const row = this.rows.get(key)
      if (!row || row.status === 'retrying') continue
      if (row.kind === 'sleep') this.settle(row, { output: 'null' })
      else this.settle(row, await mockedOutcome(row, mocks.get(key)))
    }
    return due.length > 0
  }

  private wait(row: StepRow, kind: TimerKind): void {
    this.timers.set(row.key, kind)
    this.write(row)
  }

  private settle(row: StepRow, outcome: { output: string } | { error: StepRow['error'] }): void {
    const fields = 'output' in outcome ? { status: 'completed' as const, output: outcome.output } : { status: 'failed' as const, error: outcome.error }
    this.rows.set(row.key, { ...row, ...fields, endedAt: Date.now() })
  }

  private write(row: StepRow): void {
    this.rows.set(row.key, row)
    this.onStep?.(row)
  }
}

/** A wait's or invoke's result: its mock's return (a wait without one: null, its timeout). */
async function mockedOutcome(row: StepRow, mock: (() => unknown) | undefined): Promise<{ output: string } | { error: StepRow['error'] }> {
  if (!mock && row.kind === 'invoke') {
    const message = `step "${row.id}": step.invoke is not run by InngestTestEngine, which runs one function. Fix: mock it with steps: [{ id: "${row.key}", handler: () => result }].`
    return { error: serializeError(Object.assign(new Error(message), { name: 'InngestTestEngineError' })) }
  }
  try {
    return { output: JSON.stringify((await mock?.()) ?? null) }
  } catch (error) {
    return { error: serializeError(error) }
  }
}
