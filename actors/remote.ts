/**
 * How another object sees a Durable Object's methods over RPC: `Remote<RunActor, 'start' | …>`
 * is each named method with the same parameters, its result awaited and wrapped in a promise (a
 * structured clone of it).
 *
 * Why not the runtime's `DurableObjectStub<T>` as is: Workers' RPC types turn any result with an
 * `unknown` field (event data, step outputs) into `never`, so a caller would have to cast. A stub
 * is still assignable to its `Remote` (results the runtime types narrow to `never` fit any
 * promise), and `Remote` is derived from the class, not written beside it: a change to a method's
 * signature reaches every caller, and `tsc` fails where one no longer fits
 * (test/actors/remote-stubs.types.test.ts).
 */
export type Remote<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never
}
