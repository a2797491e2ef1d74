/**
 * Every branch the code keeps for data an earlier version stored, in one table, with the version
 * whose data needs it (Temporal's `flags.ts` is the model). A persisted snapshot carries the
 * version it was written at (`RUN_SNAPSHOT_VERSION`); snapshots written before versions were
 * recorded read as version 1. A branch applies to data stored before its `before` version; once
 * no such data can exist (every run of that age has finished and been pruned), delete the branch
 * here and the code it names. Fixtures of stored data: test/machines/fixtures/.
 */

/** The version persisted snapshots are written at now. */
export const RUN_SNAPSHOT_VERSION = 3

export interface CompatibilityBranch {
  /** Data stored at versions below this one needs the branch. */
  readonly before: number
  /** What kind of stored data it reads. */
  readonly stored: 'snapshot' | 'step row' | 'parent link' | 'function id'
  /** What the old data looks like and what the branch does with it. */
  readonly what: string
  /** Where the branch is. */
  readonly where: string
}

export const COMPATIBILITY = {
  stepsRecorded: {
    before: 2,
    stored: 'snapshot',
    what: 'context.stepsRecorded counted steps; it is dropped on restore (the step rows are the count)',
    where: 'machines/run-snapshot.ts restoreRunSnapshot',
  },
  invokeTimerUnflagged: {
    before: 3,
    stored: 'snapshot',
    what:
      'a step.invoke timer lacks `invoke: true`, so it reads as a wait on inngest/function.finished: its timeout also closes a ' +
      'registration that stream never had (harmless, closing is idempotent); the step row (kind invoke) still decides the timeout error',
    where: 'machines/run-decisions.ts decideEffects (WAIT.TIMED_OUT), actors/run-host.ts wake',
  },
  parentLinkWithoutHost: {
    before: 2,
    stored: 'parent link',
    what: 'a ParentLink without `host`: the invoking run is its own RunActor',
    where: 'actors/run-actor.ts hostedRunStub',
  },
  hyphenFailureSuffix: {
    before: 2,
    stored: 'function id',
    what: 'an onFailure function id ending in "-failure" (now ":failure") still resolves to the handler',
    where: 'actors/registry.ts',
  },
} as const satisfies Record<string, CompatibilityBranch>

/** The version a persisted snapshot was written at (1 for those written before versions were recorded). */
export function storedVersion(persisted: { readonly version?: number }): number {
  return persisted.version ?? 1
}

/** Whether data stored at `version` needs `branch`. */
export function needsBranch(branch: CompatibilityBranch, version: number): boolean {
  return version < branch.before
}
