import { sleep } from './env';

/**
 * Reads until `done(value)` holds or `timeoutMs` is up, `intervalMs` apart, and returns the last value
 * read either way: the caller asserts on it, so a failure shows what was seen last.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await read();
  }
  return value;
}

/** Retries an assertion until it passes or `timeoutMs` is up (then throws its last failure). */
export async function eventually(check: () => Promise<void> | void, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(intervalMs);
    }
  }
}
