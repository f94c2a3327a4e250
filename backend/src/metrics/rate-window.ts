/** Counts events in one-second buckets over a sliding minute, without timers. */
export class RateWindow {
  private readonly buckets = new Array<number>(60).fill(0);
  private second = Math.floor(Date.now() / 1000);

  constructor(private readonly now: () => number = Date.now) {
    this.second = Math.floor(now() / 1000);
  }

  add(count = 1): void {
    this.advance();
    this.buckets[this.second % 60] += count;
  }

  /** Events in the last 60 seconds. */
  total(): number {
    this.advance();
    return this.buckets.reduce((sum, n) => sum + n, 0);
  }

  private advance(): void {
    const current = Math.floor(this.now() / 1000);
    const steps = Math.min(current - this.second, 60);
    for (let i = 1; i <= steps; i += 1) this.buckets[(this.second + i) % 60] = 0;
    this.second = Math.max(this.second, current);
  }
}
