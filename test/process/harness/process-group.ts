/**
 * Which processes of a process group are still alive. Zombies count as gone: a SIGKILLed
 * process holds no port or file once it is a zombie, and in containers whose PID 1 does not reap
 * orphans (workerd's parent dies with it) zombies stay in the table. On Linux this reads /proc;
 * elsewhere it falls back to `kill(-pgid, 0)`.
 */
import { readdirSync, readFileSync } from 'node:fs'

interface ProcessStat {
  readonly pid: number
  readonly state: string
  readonly ppid: number
  readonly pgrp: number
  readonly command: string
}

const hasProc = process.platform === 'linux'

function statOf(pid: number): ProcessStat | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const close = text.lastIndexOf(')')
  const [state, ppid, pgrp] = text.slice(close + 2).split(' ')
  return { pid, state: state ?? '?', ppid: Number(ppid), pgrp: Number(pgrp), command: text.slice(text.indexOf('(') + 1, close) }
}

function allProcesses(): ProcessStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => statOf(Number(name)))
    .filter((stat): stat is ProcessStat => stat !== null)
}

const isLive = (stat: ProcessStat) => stat.state !== 'Z' && stat.state !== 'X'

/** Live processes of group `pgid`, as "pid command" (empty when the group is gone). */
export function liveGroupMembers(pgid: number): string[] {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0)
      return [`group ${pgid}`]
    } catch {
      return []
    }
  }
  return allProcesses()
    .filter((stat) => stat.pgrp === pgid && isLive(stat))
    .map((stat) => `${stat.pid} ${stat.command}`)
}

/** `root` and every live descendant of it, found through parent links (Linux only; else `[root]`). */
export function liveDescendants(root: number): number[] {
  if (!hasProc) return [root]
  const processes = allProcesses().filter(isLive)
  const found = new Set([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const stat of processes) if (found.has(stat.ppid) && !found.has(stat.pid)) found.add(stat.pid), (grew = true)
  }
  return [...found]
}

/** Whether `pid` is alive and not a zombie. */
export function isAlive(pid: number): boolean {
  if (!hasProc) {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  const stat = statOf(pid)
  return stat !== null && isLive(stat)
}

/** SIGKILLs process group `pgid` and waits (up to 5 s) until none of its members lives. */
export async function killGroupAndWait(pgid: number): Promise<void> {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // Already gone.
  }
  for (let i = 0; i < 100 && liveGroupMembers(pgid).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
}
