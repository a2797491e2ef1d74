/**
 * A Durable Object namespace an address names by its binding (a run's host, an entity). The
 * class behind it is the app's, trusted to answer as the caller expects: the binding name comes
 * from the app's own function config or `RunHost` address.
 */

/**
 * The namespace bound as `binding` in `env`.
 * @throws TypeError with `missing()`'s text when `env` has no Durable Object binding of that name.
 */
export function boundNamespace<T extends Rpc.DurableObjectBranded | undefined>(env: object, binding: string, missing: () => string): DurableObjectNamespace<T> {
  const namespace: unknown = Reflect.get(env, binding)
  if (!isNamespace<T>(namespace)) throw new TypeError(missing())
  return namespace
}

function isNamespace<T extends Rpc.DurableObjectBranded | undefined>(binding: unknown): binding is DurableObjectNamespace<T> {
  return typeof (binding as Partial<DurableObjectNamespace> | undefined)?.idFromName === 'function'
}
