/**
 * Cloudflare Workflows' contender: a `WorkflowEntrypoint` running the shared program with
 * `step.do`. Bound in bench/wrangler.toml (`[[workflows]]`); miniflare runs Cloudflare's local
 * Workflows engine (workers-sdk `packages/workflows-shared`) in the same workerd process.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers'
import { runProgram, type Program } from './program.js'

export class BenchWorkflow extends WorkflowEntrypoint<unknown, Program> {
  override run(event: Readonly<WorkflowEvent<Program>>, step: WorkflowStep): Promise<number> {
    // step.do's callback must return a serializable value; the shared bodies return numbers or strings.
    return runProgram(event.payload, (name, body) => step.do(name, async () => body() as number))
  }
}
