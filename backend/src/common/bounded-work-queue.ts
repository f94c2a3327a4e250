/** Thrown by BoundedWorkQueue.run when every worker is busy and the queue is full. */
export class QueueFullError extends Error {
  constructor() {
    super('work queue full');
    this.name = 'QueueFullError';
  }
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

  /** Whether a task of `key` would be refused if it were run now (no free worker for it and the queue full). */
  wouldRefuse(key: string): boolean {
    return (this.running >= this.concurrency || this.runningOf(key) >= this.perKey) && this.queued >= this.queueMax;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency || this.runningOf(key) >= this.perKey) {
      if (this.queued >= this.queueMax) throw new QueueFullError();
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
