/**
 * Arming cron schedules. A schedule must run without any event, so every entry point arms them:
 * the queue consumer, `inngestRoutes()` (in `waitUntil`), and the `scheduled` handler
 * (`routeSchedules`, a Workers Cron Trigger) that a deployment with no traffic still receives.
 * Each isolate arms once; arming an armed schedule changes nothing (see actors/cron-actor.ts).
 */
import { cronActorStub, registeredFunctions } from '../../actors/internal.js'
import type { InngestEnv } from '../env.js'

/**
 * Whether this isolate armed its schedules: a flag rather than a shared promise, because a
 * promise created in one request's context must not be awaited in another's. A caller that
 * finds arming in flight returns at once; a failed arming is tried again by the next caller.
 */
let armState: 'idle' | 'arming' | 'armed' = 'idle'

/** Every registered cron trigger as `[compositeId, expression]`. */
export function cronTriggers(): Array<[string, string]> {
  return registeredFunctions().flatMap(([functionId, fn]) =>
    fn.options.triggers.flatMap((trigger): Array<[string, string]> => ('cron' in trigger ? [[functionId, trigger.cron]] : [])),
  )
}

/**
 * Arms the cron actor of every registered cron trigger, once per isolate. Rejects if one could
 * not be armed (and the next call tries again).
 * @example
 * ```ts
 * ctx.waitUntil(armSchedules(env))
 * ```
 */
export async function armSchedules(env: Pick<InngestEnv, 'INNGEST_CRONS'>): Promise<void> {
  if (armState !== 'idle') return
  armState = 'arming'
  try {
    await Promise.all(cronTriggers().map(([functionId, expression]) => cronActorStub(env.INNGEST_CRONS, functionId, expression).arm(functionId, expression)))
    armState = 'armed'
  } catch (error) {
    armState = 'idle'
    throw error
  }
}

/** Arms the schedules without failing the caller: a failure is logged and tried again later. */
export function armSchedulesQuietly(env: Pick<InngestEnv, 'INNGEST_CRONS'>): Promise<void> {
  return armSchedules(env).catch((error: unknown) => console.error('inngest.do: could not arm cron schedules:', error))
}

/**
 * The worker's `scheduled` handler: arms the cron schedules after a deploy even without traffic.
 * Give the worker a Workers Cron Trigger (`[triggers] crons = ["* * * * *"]`); the schedules
 * themselves run on Durable Object alarms, not on it.
 * @example
 * ```ts
 * export default { fetch: app.fetch, queue: routeEvents, scheduled: routeSchedules }
 * ```
 */
export async function routeSchedules(_controller: ScheduledController, env: InngestEnv): Promise<void> {
  await armSchedules(env)
}
