/**
 * The sign-in rate limit: at most `MAX_LOGIN_FAILURES` failed sign-ins per client address in
 * `LOGIN_WINDOW_MS`, counted in the run index shard the address hashes to (no object of its
 * own, and no shard hot for everyone). The address is Cloudflare's `cf-connecting-ip`.
 */
import { runIndexStub } from '../../actors/run-index/index.js'
import { shardOf } from '../../actors/internal.js'
import { RUN_INDEX_SHARDS } from '../../actors/run-index/index.js'
import type { InngestEnv } from '../env.js'

export const MAX_LOGIN_FAILURES = 5
export const LOGIN_WINDOW_MS = 15 * 60 * 1000

/** Who is signing in: the client's address as Cloudflare reports it. */
export function loginClient(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'unknown'
}

function limiter(index: NonNullable<InngestEnv['INNGEST_RUN_INDEX']>, client: string) {
  return runIndexStub(index, shardOf(`login:${client}`, RUN_INDEX_SHARDS))
}

/** Whether `client` may try to sign in now. */
export async function mayTryLogin(index: NonNullable<InngestEnv['INNGEST_RUN_INDEX']>, client: string): Promise<boolean> {
  return (await limiter(index, client).loginFailures(client, LOGIN_WINDOW_MS)) < MAX_LOGIN_FAILURES
}

/** Counts a failed sign-in of `client`. */
export async function noteFailedLogin(index: NonNullable<InngestEnv['INNGEST_RUN_INDEX']>, client: string): Promise<void> {
  await limiter(index, client).noteLoginFailure(client, LOGIN_WINDOW_MS)
}
