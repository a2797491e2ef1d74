/**
 * Our side of the benchmark: functions on the test worker's `shop` client, so the real path
 * (send → queue → routeEvents → run actor) reaches them. Imported by bench/worker.ts.
 */
import { inngest } from '../test/fixtures/seed-functions.js'
import { runProgram, type Program } from './program.js'
import { firstStep, handlerFinished, tinyStep } from './signals.js'

/** The event that starts `shop-bench-program`: its data is the program. */
export const PROGRAM_EVENT = 'bench/program'
export const PROGRAM_FUNCTION = 'shop-bench-program'
export const RESUME_FUNCTION = 'shop-bench-resume'

// Steps limit above the 1,000-step default: the resume scenario records 1,000 steps, a sleep and one more.
const limits = { steps: 10_000 }

/** Runs the event's program (scenarios 1, 2, 3 and 5). */
export const benchProgram = inngest.createFunction({ id: 'bench-program', limits }, { event: PROGRAM_EVENT }, async ({ event, step }) =>
  runProgram(event.data as unknown as Program, (name, body) => step.run(name, body)),
)

/**
 * Scenario 4: `steps` tiny steps, a sleep, then one step that notes when it started. Woken from
 * the sleep after an eviction, the run replays every recorded step before that last one starts.
 */
export const benchResume = inngest.createFunction({ id: 'bench-resume', limits }, { event: 'bench/resume' }, async ({ event, step }) => {
  const { label, steps } = event.data as unknown as { label: string; steps: number }
  for (let i = 0; i < steps; i++) await step.run(`s${i}`, () => tinyStep(i))
  await step.sleep('nap', '1h')
  await step.run('after-nap', () => firstStep(label))
  handlerFinished(label)
})

/**
 * The admission scenario's functions (bench/scenarios/admission.ts): one tiny step each, then the
 * handler's mark; the event's data names the run (`label`) and its concurrency key (`k`). Each has
 * its own event, so no event starts more than one of them.
 */
export const ADMISSION_FUNCTIONS = {
  unlimited: { id: 'shop-bench-unlimited', event: 'bench/unlimited' },
  limited: { id: 'shop-bench-limited', event: 'bench/limited' },
  keyed: { id: 'shop-bench-keyed', event: 'bench/keyed' },
  hot: { id: 'shop-bench-hot', event: 'bench/hot' },
} as const

async function admissionRun(data: unknown, run: (id: string, body: () => number) => Promise<unknown>): Promise<void> {
  const { label } = data as { label: string }
  await run('s0', () => tinyStep(0))
  handlerFinished(label)
}

/** No flow control: the baseline. */
export const benchUnlimited = inngest.createFunction({ id: 'bench-unlimited' }, { event: ADMISSION_FUNCTIONS.unlimited.event }, async ({ event, step }) =>
  admissionRun(event.data, (id, body) => step.run(id, body)),
)

/** A limit that never blocks here: what it adds is the cost of admission alone. */
export const benchLimited = inngest.createFunction(
  { id: 'bench-limited', concurrency: { limit: 1_000 } },
  { event: ADMISSION_FUNCTIONS.limited.event },
  async ({ event, step }) => admissionRun(event.data, (id, body) => step.run(id, body)),
)

/** The same with a key: one slot actor per key value. */
export const benchKeyed = inngest.createFunction(
  { id: 'bench-keyed', concurrency: { limit: 1_000, key: 'event.data.k' } },
  { event: ADMISSION_FUNCTIONS.keyed.event },
  async ({ event, step }) => admissionRun(event.data, (id, body) => step.run(id, body)),
)

/** One hot key at limit 10: all runs share one key value, so one slot actor admits them ten at a time. */
export const benchHot = inngest.createFunction(
  { id: 'bench-hot', concurrency: { limit: 10, key: 'event.data.k' } },
  { event: ADMISSION_FUNCTIONS.hot.event },
  async ({ event, step }) => admissionRun(event.data, (id, body) => step.run(id, body)),
)
