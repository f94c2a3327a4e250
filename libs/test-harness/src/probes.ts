import { READY_TIMEOUT_MS } from './env';
import type { ManagedProcess } from './processes';
import { pollUntil } from './waits';

export type HealthPath = '/health/live' | '/health/ready';

interface Answer {
  /** 0 when nothing answered. */
  status: number;
  text: string;
}

async function get(url: string, timeoutMs: number): Promise<Answer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return { status: 0, text: err instanceof Error ? err.message : String(err) };
  }
}

/** GET a health route of a pod; returns the status (0 when nothing answered). */
export async function probe(baseUrl: string, path: HealthPath, timeoutMs = 3_000): Promise<number> {
  return (await get(`${baseUrl}${path}`, timeoutMs)).status;
}

/** Polls until `path` answers `status`; returns how long that took, or fails with the last answer. */
export async function waitForStatus(baseUrl: string, path: HealthPath, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const last = await pollUntil(
    () => probe(baseUrl, path),
    (answer) => answer === status,
    timeoutMs,
  );
  if (last !== status) throw new Error(`${baseUrl}${path} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
  return Date.now() - started;
}

/** Polls GET {baseUrl}/health/ready until it answers 200; fails early if the process exits. */
export async function waitUntilReady(baseUrl: string, proc: ManagedProcess, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const last = await pollUntil(
    () => get(`${baseUrl}/health/ready`, 2_000),
    (answer) => answer.status === 200 || proc.hasExited,
    timeoutMs,
  );
  if (last.status === 200) return;
  if (proc.hasExited) throw new Error(`${proc.name} exited before it was ready.\n${proc.tail()}`);
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms (last: HTTP ${last.status} ${last.text.slice(0, 300)}).\n${proc.tail()}`);
}

/** A gauge or counter without labels from GET {baseUrl}/metrics. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics of ${baseUrl}`);
  return Number(line.split(' ')[1]);
}

/** Resident set size of a pod (process_resident_memory_bytes). */
export function residentBytes(baseUrl: string): Promise<number> {
  return metricValue(baseUrl, 'process_resident_memory_bytes');
}
