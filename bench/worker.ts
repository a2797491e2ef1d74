/**
 * The benchmark worker: the test worker (its functions, `serve()`, the queue handler and every
 * Durable Object class it exports) plus the benchmark's own functions, the Workflows contender,
 * the floor Durable Object, the row-counting twins and the output-gate probe.
 */
import './functions.js'

// Everything the test worker exports, so a class it gains needs only its binding in bench/wrangler.toml.
export * from '../test/worker.js'
export { default } from '../test/worker.js'
export { BenchWorkflow } from './workflow.js'
export { FloorActor, CountedFloorActor } from './floor-actor.js'
export { CountedRunActor } from './counted-run-actor.js'
export { GateProbe } from './output-gate-probe.js'
