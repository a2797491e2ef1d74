export { default, RunActor } from '../test/worker.js'
import { DurableObject } from 'cloudflare:workers'
export class FloorActor extends DurableObject {}
export class CountedRunActor extends DurableObject {}
export class CountedFloorActor extends DurableObject {}
