/** Thrown by BoundedWorkQueue.run when every worker is busy and the queue is full. */
export class QueueFullError extends Error {
  constructor() {
    super('work queue full');
    this.name = 'QueueFullError';
  }
}

/**
 * Runs at most `concurrency` tasks at once, lets at most `queueMax` more wait, and refuses the rest at
 * once: under a flood, the work admitted stays bounded and so does the wait of whoever gets in. Waiting
 * tasks are served round-robin by `key` (e.g. the client's address), so one flooding key does not put
 * everybody else's task behind all of its own.
 */
export class BoundedWorkQueue {
  private running = 0;
  private queued = 0;
  /** Waiters by key; a Map keeps insertion order, and a served key moves to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly concurrency: number,
    private readonly queueMax: number,
  ) {}

  get pending(): number {
    return this.queued;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.queued >= this.queueMax) throw new QueueFullError();
      this.queued += 1;
      await new Promise<void>((start) => {
        const waiters = this.waiting.get(key) ?? [];
        waiters.push(start);
        this.waiting.set(key, waiters);
      });
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      // The finished task's slot passes straight to the next waiter; otherwise it is freed.
      const next = this.next();
      if (next) next();
      else this.running -= 1;
    }
  }

  private next(): (() => void) | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    const [key, waiters] = first.value;
    const start = waiters.shift();
    this.waiting.delete(key);
    if (waiters.length) this.waiting.set(key, waiters);
    this.queued -= 1;
    return start;
  }
}
