/**
 * When an alarm handler acts: one rule for every actor (timers, deadlines, lease expiry,
 * debounce periods, batch timeouts, cron ticks).
 *
 * The runtime fires an alarm at or after the time it was set for, and passes that time
 * (`alarmInfo.scheduledTime`). Whatever was due then is due now, even if this object's clock
 * reads a little earlier (clocks differ between machines; a test fires an alarm ahead of time).
 * Fired without `alarmInfo` (a test's `runDurableObjectAlarm`, which time-travels), the time the
 * object recorded for its alarm stands in; none when the alarm was set for something that says
 * nothing about what is due (a retry of a failed start or message).
 */

/**
 * The time to act at in an alarm handler: the later of the clock and the time the alarm was set
 * for (`info.scheduledTime`, else `recorded`, the time this object set it for, if any).
 */
export function alarmTime(now: number, info: Pick<AlarmInvocationInfo, 'scheduledTime'> | undefined, recorded?: number | null): number {
  const setFor = info ? info.scheduledTime : recorded
  return setFor === undefined || setFor === null ? now : Math.max(now, setFor)
}
