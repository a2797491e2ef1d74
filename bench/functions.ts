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
