/**
 * The benchmark worker: the test worker (its functions, `serve()` and `RunActor`) plus the
 * floor Durable Object and the row-counting twins of both contenders.
 */
export { default, RunActor } from '../test/worker.js'
export { FloorActor, CountedFloorActor } from './floor-actor.js'
export { CountedRunActor } from './counted-run-actor.js'
