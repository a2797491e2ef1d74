/**
 * The time source of an actor, in milliseconds since the epoch. Every actor reads time through
 * its clock, never `Date.now()` directly, so a test can move time for one object without
 * touching the runtime's (set the actor's `clock` inside `runInDurableObject`).
 */
export type Clock = () => number

/** The runtime's clock (in workerd it advances only across I/O, as `Date.now()` does). */
export const systemClock: Clock = () => Date.now()
