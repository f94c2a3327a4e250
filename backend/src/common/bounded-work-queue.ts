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
 * `key` (e.g. the client's address): one key runs at most `perKey` tasks at once, and waiting tasks are
 * served round-robin by key, so a flooding key neither holds every worker nor puts everybody else's
 * task behind all of its own.
 */
export class BoundedWorkQueue {
  private running = 0;
  private queued = 0;
  /** Places held by admissions (see admit) whose task has not been run yet. */
  private held = 0;
  private readonly runningByKey = new Map<string, number>();
  /** Waiters by key; a Map keeps insertion order, and a served key moves to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly concurrency: number,
    private readonly queueMax: number,
    private readonly perKey = Math.max(1, concurrency - 1),
  ) {}

  get pending(): number {
    return this.queued;
  }

  /** Running, waiting and held tasks fill the workers and the queue. */
  private get full(): boolean {
    return this.running + this.queued + this.held >= this.concurrency + this.queueMax;
  }

  /**
   * Holds a place for a task that will come after some other work (a login's checks before its hash),
   * or throws QueueFullError at once when running, waiting and held tasks already fill the workers and
   * the queue: a burst of requests is refused before any of that work, not after it. `run` with the
   * admission takes its place; `release` gives back a place that will not be used (a no-op once run).
   */
  admit(): Admission {
    if (this.full) throw new QueueFullError();
    this.held += 1;
    let holding = true;
    return {
      release: () => {
        if (!holding) return false;
        holding = false;
        this.held -= 1;
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
