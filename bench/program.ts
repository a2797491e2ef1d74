/**
 * What one benchmark run executes. Every contender runs the same program through its own step
 * primitive (`step.run`, `step.do`, the floor's one-row step), so the step bodies and the
 * control flow are identical; only the engine underneath differs.
 */
import { firstStep, handlerFinished, paddedStep, tinyStep } from './signals.js'

export interface Program {
  /** Names the run's signals (and is the run or instance id where the contender allows). */
  readonly label: string
  readonly steps: number
  /** 0: each step returns its index; more: each returns a string of this many characters. */
  readonly outputBytes: number
  /** The first step's body notes when it started (the latency scenario). */
  readonly markFirstStep: boolean
}

/** A contender's step primitive: run `body` once, durably, as step `name`. */
export type StepRunner = (name: string, body: () => unknown) => Promise<unknown>

export function program(label: string, steps: number, options: { outputBytes?: number; markFirstStep?: boolean } = {}): Program {
  return { label, steps, outputBytes: options.outputBytes ?? 0, markFirstStep: options.markFirstStep ?? false }
}

/** The handler body all contenders share: `steps` steps in sequence, then a signal. */
export async function runProgram(run: Program, step: StepRunner): Promise<number> {
  let total = 0
  for (let i = 0; i < run.steps; i++) {
    const body =
      i === 0 && run.markFirstStep ? () => firstStep(run.label) : run.outputBytes > 0 ? () => paddedStep(i, run.outputBytes) : () => tinyStep(i)
    const output = await step(`s${i}`, body)
    total += typeof output === 'number' ? output : 1
  }
  handlerFinished(run.label)
  return total
}
