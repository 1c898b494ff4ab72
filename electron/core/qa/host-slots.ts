/**
 * Request slots: at most `perHost` requests to one host at a time and `overall` in all.
 *
 * A slot is held for one request only, never while waiting for another, so no chain of redirects
 * can deadlock the check. Waiters are served in arrival order, skipping those whose host is full: 40
 * links to one slow host do not hold up the links to others (the bounded pool in shared/pool.ts
 * starts items in list order, which would).
 */

interface Waiter {
  host: string;
  grant: () => void;
}

export class HostSlots {
  private active = 0;
  private readonly perHostActive = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly perHost: number,
    private readonly overall: number,
  ) {}

  /** Waits for a slot for `host`; the returned function frees it. Rejects with `stopped()` when `signal` aborts first. */
  acquire(host: string, signal: AbortSignal | undefined, stopped: () => Error): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(stopped());
      const waiter: Waiter = {
        host,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.active++;
          this.perHostActive.set(host, (this.perHostActive.get(host) ?? 0) + 1);
          let freed = false;
          resolve(() => {
            if (freed) return;
            freed = true;
            this.active--;
            const left = (this.perHostActive.get(host) ?? 1) - 1;
            if (left === 0) this.perHostActive.delete(host);
            else this.perHostActive.set(host, left);
            this.pump();
          });
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(stopped());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.active < this.overall; ) {
      const w = this.waiting[i] as Waiter;
      if ((this.perHostActive.get(w.host) ?? 0) < this.perHost) {
        this.waiting.splice(i, 1);
        w.grant();
      } else {
        i++;
      }
    }
  }
}
