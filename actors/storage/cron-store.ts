/**
 * Typed access to a cron actor's storage: the one schedule row of its (function, expression).
 * A tick costs two writes of that row: fired (pending), then started.
 */
import { CRON_SCHEMA } from './cron-schema.js'
import { SqlStore } from './sql-store.js'

/** One cron schedule as persisted. */
export interface CronScheduleState {
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  /** The cron expression as written, `TZ=` prefix included. */
  readonly expression: string
  /** The tick the alarm is set for, in epoch ms; null while disarmed. */
  readonly nextTick: number | null
  /** The latest tick fired, in epoch ms; null before the first. */
  readonly lastTick: number | null
  /** A fired tick whose run start is not yet confirmed; null once started. */
  readonly pendingTick: number | null
}

type Row = Record<string, string | number | null>

const numberOrNull = (value: string | number | null | undefined): number | null => (value === null || value === undefined ? null : Number(value))

function toState(row: Row): CronScheduleState {
  return {
    functionId: String(row.function_id),
    expression: String(row.expression),
    nextTick: numberOrNull(row.next_tick),
    lastTick: numberOrNull(row.last_tick),
    pendingTick: numberOrNull(row.pending_tick),
  }
}

export class CronStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, CRON_SCHEMA)
  }

  read(): CronScheduleState | null {
    const row = this.sql.exec<Row>('SELECT * FROM inngest_cron_schedule WHERE id = 1').toArray()[0]
    return row ? toState(row) : null
  }

  /** Writes the schedule (the one write path); returns it. */
  write(state: CronScheduleState): CronScheduleState {
    this.sql.exec(
      `INSERT INTO inngest_cron_schedule (id, function_id, expression, next_tick, last_tick, pending_tick) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET function_id = excluded.function_id, expression = excluded.expression,
         next_tick = excluded.next_tick, last_tick = excluded.last_tick, pending_tick = excluded.pending_tick`,
      state.functionId,
      state.expression,
      state.nextTick,
      state.lastTick,
      state.pendingTick,
    )
    return state
  }
}
