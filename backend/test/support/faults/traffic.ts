import type { Message } from '@chat/contracts';
import type { ResilientClient } from './resilient-client';
import { sleep } from '@chat/test-harness';

export interface SendManyOptions {
  /** Sends outstanding at once (1 = each waits for the previous ack). */
  window?: number;
  /** Pause before each send, to spread traffic over time. */
  gapMs?: number;
  /** Body prefix, so bodies name their sender and index. */
  prefix?: string;
  /** Body length (padded), for tests that need volume. */
  bodyLength?: number;
}

function body(prefix: string, index: number, length: number | undefined): string {
  const text = `${prefix} #${index}`;
  return length === undefined || length <= text.length ? text : `${text} ${'x'.repeat(length - text.length - 1)}`;
}

/**
 * Sends `count` messages from `client` through its outbox, keeping `window` in flight; resolves with the
 * acked messages in send order once every one is acknowledged (however many retries that took).
 */
export async function sendMany(client: ResilientClient, roomId: string, count: number, options: SendManyOptions = {}): Promise<Message[]> {
  const window = options.window ?? 1;
  const prefix = options.prefix ?? client.label;
  const results: Message[] = new Array<Message>(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(window, count) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      if (options.gapMs) await sleep(options.gapMs);
      results[index] = await client.send(roomId, body(prefix, index, options.bodyLength));
    }
  });
  await Promise.all(workers);
  return results;
}
