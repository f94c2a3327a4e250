/** Thrown by BoundedWorkQueue.run when every worker is busy and the queue is full. */
export class QueueFullError extends Error {
  constructor() {
    super('work queue full');
    this.name = 'QueueFullError';
  }
}

/** A place held in a BoundedWorkQueue (see admit). */
export interface Admission {
  /** Gives the place back; true if it was still held (false once run or released). */
  release(): boolean;
}

/**
 * Runs at most `concurrency` tasks at once, lets at most `queueMax` more wait, and refuses the rest at
 * once: under a flood, the work admitted stays bounded and so does the wait of whoever gets in. Fair by
 * `key` (e.g. the client's address): one key runs at most `perKey` tasks at once, holds at most
 * `placesPerKey` of the places (held, waiting and running), and waiting tasks are served round-robin by
 * key, so a flooding key neither fills the queue, nor holds every worker, nor puts everybody else's task
 * behind all of its own.
 */
export class BoundedWorkQueue {
  private running = 0;
  private queued = 0;
  /** Places held by admissions (see admit) whose task has not been run yet. */
  private held = 0;
  private readonly heldByKey = new Map<string, number>();
  private readonly runningByKey = new Map<string, number>();
  /** Waiters by key; a Map keeps insertion order, and a served key moves to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly concurrency: number,
    private readonly queueMax: number,
    private readonly perKey = Math.max(1, concurrency - 1),
    private readonly placesPerKey = Math.max(1, Math.ceil((concurrency + queueMax) / 2)),
  ) {}

  get pending(): number {
    return this.queued;
  }

  /** Running, waiting and held tasks fill the workers and the queue. */
  private get full(): boolean {
    return this.running + this.queued + this.held >= this.concurrency + this.queueMax;
  }

  /** The places `key` holds: admissions not yet run, waiting and running tasks. */
  private placesOf(key: string): number {
    return (this.heldByKey.get(key) ?? 0) + (this.waiting.get(key)?.length ?? 0) + this.runningOf(key);
  }

  /**
   * Holds a place for `key`'s task that will come after some other work (a login's checks before its
   * hash), or throws QueueFullError at once when running, waiting and held tasks already fill the workers
   * and the queue, or `key` already holds placesPerKey of them: a burst of requests is refused before any
   * of that work, not after it, and one key's burst leaves places for the others. `run` with the
   * admission (and the same key) takes its place; `release` gives back a place that will not be used (a
   * no-op once run).
   */
  admit(key: string): Admission {
    if (this.full || this.placesOf(key) >= this.placesPerKey) throw new QueueFullError();
    this.held += 1;
    this.heldByKey.set(key, (this.heldByKey.get(key) ?? 0) + 1);
    let holding = true;
    return {
      release: () => {
        if (!holding) return false;
        holding = false;
        this.held -= 1;
        const left = (this.heldByKey.get(key) ?? 1) - 1;
        if (left > 0) this.heldByKey.set(key, left);
        else this.heldByKey.delete(key);
        return true;
      },
    };
  }

  /** `admission`: the place admit() held for this task, which it takes (the task is then not refused). */
  async run<T>(key: string, task: () => Promise<T>, admission?: Admission): Promise<T> {
    if (!admission?.release() && this.full) throw new QueueFullError();
    if (this.running >= this.concurrency || this.runningOf(key) >= this.perKey) {
      this.queued += 1;
      // The slot (running and runningByKey) is taken by whoever starts this waiter.
      await new Promise<void>((start) => {
        const waiters = this.waiting.get(key) ?? [];
        waiters.push(start);
        this.waiting.set(key, waiters);
      });
    } else {
      this.running += 1;
      this.runningByKey.set(key, this.runningOf(key) + 1);
    }
    try {
      return await task();
    } finally {
      const left = this.runningOf(key) - 1;
      if (left > 0) this.runningByKey.set(key, left);
      else this.runningByKey.delete(key);
      this.running -= 1;
      this.startWaiting();
    }
  }

  private runningOf(key: string): number {
    return this.runningByKey.get(key) ?? 0;
  }

  /** Starts waiters, round-robin by key, while workers are free and their key is under perKey. */
  private startWaiting(): void {
    for (const [key, waiters] of this.waiting) {
      if (this.running >= this.concurrency) return;
      if (this.runningOf(key) >= this.perKey) continue;
      const start = waiters.shift();
      this.waiting.delete(key);
      if (waiters.length) this.waiting.set(key, waiters);
      if (!start) continue;
      this.queued -= 1;
      this.running += 1;
      this.runningByKey.set(key, this.runningOf(key) + 1);
      start();
    }
  }
}
