/**
 * Non-determinism detection. A replayed handler must call its steps in the order the recorded
 * execution did; otherwise memoized results would be handed to the wrong code. Steps that were
 * planned while another step was executing (parallel branches) may legitimately change
 * position between executions, so only sequentially planned steps are checked by position.
 */
import type { StepKind, StepRow } from '../storage/step-row.js'
import { NonDeterminismError } from './errors.js'

export class ReplayCheck {
  private readonly byPosition = new Map<number, StepRow>()

  constructor(memo: ReadonlyMap<string, StepRow>) {
    for (const row of memo.values()) if (!row.concurrent) this.byPosition.set(row.position, row)
  }

  /** Throws if calling step `key` (of `kind`) at `position` contradicts the recorded run. */
  verify(key: string, kind: StepKind, position: number, recorded: StepRow | undefined): void {
    if (recorded && recorded.kind !== kind) {
      throw new NonDeterminismError(
        `Step "${key}" was a ${recorded.kind} step in the recorded execution but is now called as ${kind}. ` +
          'Step ids and order must not depend on anything but the event and earlier step results.',
      )
    }
    const expected = this.byPosition.get(position)
    const movedRecorded = recorded && !recorded.concurrent && recorded.position !== position
    const displacedExpected = !recorded && expected && expected.key !== key
    if (movedRecorded || displacedExpected) {
      const previous = expected ? `"${expected.key}"` : 'no step'
      throw new NonDeterminismError(
        `Step "${key}" was called at position ${position}, where the recorded execution ran ${previous}. ` +
          'The handler changed its step order on replay (does it depend on Math.random, Date.now or ' +
          'external state outside step.run?). Move that logic into a step.',
      )
    }
  }
}
