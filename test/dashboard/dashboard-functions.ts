/**
 * Functions the dashboard tests run: one that echoes attacker-controlled event data into a step
 * output, its return value and a step error (message and stack), and one that sleeps an hour.
 */
import { Inngest, NonRetriableError } from '../../src/index.js'
import { hit } from '../fixtures/probes.js'

export const dashboardApp = new Inngest({ id: 'dash' })

/** Echoes `event.data.text` as a step output, then fails a step with it in the message. */
export const echoHostile = dashboardApp.createFunction({ id: 'echo-hostile', retries: 0 }, { event: 'dashboard/hostile' }, async ({ event, step }) => {
  const text = String((event.data as { text?: unknown }).text)
  const echoed = await step.run(`echo ${text}`, () => ({ echoed: text }))
  try {
    await step.run('fail', () => {
      throw new NonRetriableError(`boom ${text}`)
    })
  } catch {
    // The step's error stays in its row; the run goes on.
  }
  return echoed
})

/** Sleeps an hour between two steps: a run to cancel. */
export const sleepy = dashboardApp.createFunction({ id: 'sleepy' }, { event: 'dashboard/sleepy' }, async ({ step }) => {
  await step.run('before', () => 'before')
  await step.sleep('nap', '1h')
  return step.run('after', () => 'after')
})

/** Three steps, each counting its executions (`hits`): what a rerun from a step reuses shows. */
export const threeSteps = dashboardApp.createFunction({ id: 'three-steps' }, { event: 'dashboard/three-steps' }, async ({ event, step }) => {
  const label = String((event.data as { label?: unknown }).label)
  const one = await step.run('one', () => `${hit(`three:${label}:one`)}`)
  const two = await step.run('two', () => `${hit(`three:${label}:two`)}`)
  const three = await step.run('three', () => `${hit(`three:${label}:three`)}`)
  return [one, two, three].join(',')
})
