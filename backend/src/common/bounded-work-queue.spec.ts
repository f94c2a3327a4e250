import { BoundedWorkQueue, QueueFullError } from './bounded-work-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('BoundedWorkQueue', () => {
  it('runs at most `concurrency` tasks at once, queues up to `queueMax`, refuses the rest at once', async () => {
    const queue = new BoundedWorkQueue(2, 1, 2);
    const gates = [deferred(), deferred(), deferred()];
    let active = 0;
    let peak = 0;
    const task = (index: number) => async () => {
      active += 1;
      peak = Math.max(peak, active);
      await gates[index]?.promise;
      active -= 1;
      return index;
    };
    const first = queue.run('k', task(0));
    const second = queue.run('k', task(1));
    const third = queue.run('k', task(2));
    expect(() => queue.admit('j')).toThrow(QueueFullError);
    await expect(queue.run('k', task(0))).rejects.toBeInstanceOf(QueueFullError);
    expect(queue.pending).toBe(1);
    gates.forEach((gate) => gate.resolve());
    await expect(Promise.all([first, second, third])).resolves.toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(queue.pending).toBe(0);
    expect(() => queue.admit('k').release()).not.toThrow();
  });

  it('admit holds a place before the task exists: the places held, running and waiting never exceed workers + queue', async () => {
    const queue = new BoundedWorkQueue(1, 1);
    const first = queue.admit('k');
    const second = queue.admit('j');
    // Both places are held although nothing runs yet: a third request is refused before its other work.
    expect(() => queue.admit('i')).toThrow(QueueFullError);
    await expect(queue.run('k', () => Promise.reject(new Error('a task without a place')))).rejects.toBeInstanceOf(QueueFullError);
    // A place that will not be used is given back (twice is once).
    second.release();
    second.release();
    const third = queue.admit('j');
    const gate = deferred();
    const running = queue.run('k', () => gate.promise, first);
    // An admitted task waits for a worker instead of being refused.
    const waiting = queue.run('j', () => Promise.resolve('waited'), third);
    expect(queue.pending).toBe(1);
    expect(() => queue.admit('i')).toThrow(QueueFullError);
    gate.resolve();
    await expect(Promise.all([running, waiting])).resolves.toEqual([undefined, 'waited']);
    expect(() => queue.admit('i').release()).not.toThrow();
  });

  it('lets one key hold at most half of the places (held, waiting and running), so its burst leaves room for the others', async () => {
    const queue = new BoundedWorkQueue(2, 16);
    const gate = deferred();
    const flood = Array.from({ length: 9 }, () => queue.admit('flood'));
    expect(() => queue.admit('flood')).toThrow(QueueFullError);
    // Running and waiting tasks of the key count too: its places, not its admissions.
    const runs = flood.slice(0, 3).map((place) => queue.run('flood', () => gate.promise, place));
    expect(() => queue.admit('flood')).toThrow(QueueFullError);
    const others = Array.from({ length: 9 }, (_, i) => queue.admit(`other-${i}`));
    expect(() => queue.admit('one more')).toThrow(QueueFullError);
    flood[3]?.release();
    expect(() => queue.admit('flood').release()).not.toThrow();
    gate.resolve();
    await Promise.all(runs);
    for (const place of [...flood, ...others]) place.release();
    expect(() => Array.from({ length: 9 }, () => queue.admit('flood'))).not.toThrow();
  });

  it('frees the slot of a task that fails', async () => {
    const queue = new BoundedWorkQueue(1, 0);
    await expect(queue.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('k', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('serves waiting keys round-robin, so a flooding key does not delay the others behind all of its tasks', async () => {
    const queue = new BoundedWorkQueue(1, 10);
    const gate = deferred();
    const order: string[] = [];
    const task = (name: string) => async () => {
      await gate.promise;
      order.push(name);
    };
    const runs = [queue.run('flood', task('f0'))];
    for (let i = 1; i <= 4; i += 1) runs.push(queue.run('flood', task(`f${i}`)));
    runs.push(queue.run('real', task('real')));
    gate.resolve();
    await Promise.all(runs);
    expect(order.indexOf('real')).toBeLessThanOrEqual(2);
  });

  it('runs at most perKey tasks of one key at once, keeping a worker free for other keys', async () => {
    const queue = new BoundedWorkQueue(2, 10);
    const gate = deferred();
    let started = '';
    const floods = [0, 1, 2].map(() => queue.run('flood', () => gate.promise));
    const real = queue.run('real', async () => {
      started = 'real';
    });
    await real;
    expect(started).toBe('real');
    gate.resolve();
    await Promise.all(floods);
    expect(queue.pending).toBe(0);
  });
});
