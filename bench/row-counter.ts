/**
 * Opt-in storage accounting for the benchmark: wraps a Durable Object's state so that every
 * `sql.exec` cursor, `transactionSync` and alarm call is counted. Rows written and read come
 * from the cursors' own `rowsWritten` / `rowsRead`, the figures Cloudflare bills. Used only by
 * the counted twins of the contenders; the timed contenders run on unwrapped storage.
 */

/** Storage operations of one Durable Object, as counted so far. */
export interface StorageCounts {
  readonly rowsWritten: number
  readonly rowsRead: number
  readonly execs: number
  readonly transactions: number
  readonly alarmCalls: number
}

export class RowCounter {
  // Cursors are summed when read: a SELECT's rowsRead grows as it is iterated.
  private readonly cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  private transactions = 0
  private alarmCalls = 0
  private paused = false

  /** Wraps `ctx` so that its storage reports to this counter; everything else passes through. */
  wrapState(ctx: DurableObjectState): DurableObjectState {
    const storage = this.wrapStorage(ctx.storage)
    return passThrough(ctx, { storage })
  }

  /** Wraps `storage`: counted `sql.exec`, `transactionSync`, `setAlarm` and `deleteAlarm`. */
  wrapStorage(storage: DurableObjectStorage): DurableObjectStorage {
    const sql = passThrough(storage.sql, {
      exec: (query: string, ...bindings: unknown[]) => {
        const cursor = storage.sql.exec(query, ...bindings)
        if (!this.paused) this.cursors.push(cursor)
        return cursor
      },
    })
    return passThrough(storage, {
      sql,
      transactionSync: <T>(closure: () => T): T => {
        if (!this.paused) this.transactions++
        return storage.transactionSync(closure)
      },
      setAlarm: (...args: Parameters<DurableObjectStorage['setAlarm']>) => {
        this.alarmCalls++
        return storage.setAlarm(...args)
      },
      deleteAlarm: (...args: Parameters<DurableObjectStorage['deleteAlarm']>) => {
        this.alarmCalls++
        return storage.deleteAlarm(...args)
      },
    })
  }

  /** Runs `read` without counting it: the benchmark's own status polls are not the run's cost. */
  uncounted<T>(read: () => T): T {
    this.paused = true
    try {
      return read()
    } finally {
      this.paused = false
    }
  }

  counts(): StorageCounts {
    let rowsWritten = 0
    let rowsRead = 0
    for (const cursor of this.cursors) {
      rowsWritten += cursor.rowsWritten
      rowsRead += cursor.rowsRead
    }
    return { rowsWritten, rowsRead, execs: this.cursors.length, transactions: this.transactions, alarmCalls: this.alarmCalls }
  }
}

/**
 * A proxy of a runtime object with some members replaced. Other methods are bound to the real
 * object: workerd's native methods and getters reject a proxy as their receiver.
 */
function passThrough<T extends object>(target: T, overrides: Record<string, unknown>): T {
  return new Proxy(target, {
    get(real, property) {
      if (typeof property === 'string' && property in overrides) return overrides[property]
      const value: unknown = Reflect.get(real, property, real)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value
    },
  })
}
