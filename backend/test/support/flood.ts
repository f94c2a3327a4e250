import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SendMessageAck } from '@chat/contracts';
import { REPO_ROOT } from '@chat/test-harness';
import { newClientMsgId } from './chat';
import type { ChatClient } from './sockets';

/** How an attacker's flood was answered. */
export interface FloodSummary {
  /** Requests emitted. */
  sent: number;
  /** Answered ok (a login: evaluated and answered 401, its user being unknown). */
  ok: number;
  rateLimited: number;
  otherErrors: number;
  /** The other answers by what they were: `CODE field…` for a socket's error ack, `HTTP status` for a login. */
  errors: Record<string, number>;
  /** retryAfterMs of the first RATE_LIMITED answer. */
  firstRetryAfterMs: number | null;
  /** When the first request was emitted and the last answer came (Date.now()). */
  startedAt: number;
  finishedAt: number;
}

export interface Attack {
  /** Resolves once the attacker is connected and flooding. */
  started: Promise<void>;
  /** Ends a socket flood: the attacker emits no more (a typist's last event is typing: false) and sums up once all are answered. */
  stop(): void;
  done: Promise<FloodSummary>;
}

/**
 * What an attacker floods: sends (each body `body` and its number, 'flood' unless given) or typing events
 * into roomId as `token`'s user until stopped, or `count` logins for unknown users from `addresses`.
 */
export type FloodPlan =
  | { event: 'message:send' | 'typing'; token: string; roomId: string; lingerMs?: number; body?: string }
  | { event: 'login'; count: number; addresses: string[] };

/**
 * Runs a flood against `baseUrl` from the attacker's own process (flood-attacker.cjs), at a lower
 * priority: the attacker is another machine, so its requests, answers and garbage must not take the CPU
 * from the pod and the clients a test measures (this machine has two cores for all of them). With
 * Linux's autogroup scheduling a nice value only ranks threads within one session, and the pods run in
 * sessions of their own: so the attacker gets its own session too (detached), and lowers that session's
 * priority itself (flood-attacker.cjs writes /proc/self/autogroup).
 */
export function floodFromProcess(baseUrl: string, plan: FloodPlan): Attack {
  const child = spawn('nice', ['-n', '10', process.execPath, resolve(__dirname, 'flood-attacker.cjs')], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, FLOOD: JSON.stringify({ lingerMs: 0, ...plan, baseUrl }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // A stop after the attacker exited (a login flood does not read it) must not throw EPIPE here.
  child.stdin.on('error', () => undefined);
  let output = '';
  let began: () => void = () => undefined;
  const started = new Promise<void>((resolveStarted) => (began = resolveStarted));
  const done = new Promise<FloodSummary>((resolveDone, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      const messages = lines.map((line) => JSON.parse(line) as { flooding?: true; summary?: FloodSummary; error?: string });
      if (messages.some((message) => message.flooding)) began();
      const summary = messages.find((message) => message.summary)?.summary;
      if (summary) resolveDone(summary);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      began();
      reject(new Error(`flood process exited (${code}) before its summary: ${output}`));
    });
  });
  return { started, stop: () => child.stdin.end('stop\n'), done };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

setFlagsFromString('--expose-gc');
/** A full garbage collection of this process (V8's gc(), exposed at run time). */
const collectGarbage = runInNewContext('gc') as () => void;

/** A bystander's `count` sends one after another: each ack, its latency, and when it was sent (Date.now()). */
export interface BystanderRun {
  acks: SendMessageAck[];
  latencies: number[];
  sentAt: number[];
}

export async function bystanderSends(client: ChatClient, roomId: string, count = 100): Promise<BystanderRun> {
  // The measuring process collects its garbage now rather than in the middle of the sends (a major
  // collection of the test runner's heap takes ~150 ms here, which is not the pod's latency).
  collectGarbage();
  const run: BystanderRun = { acks: [], latencies: [], sentAt: [] };
  for (let i = 0; i < count; i += 1) {
    run.sentAt.push(Date.now());
    const started = performance.now();
    run.acks.push(await client.request('message:send', { roomId, clientMsgId: newClientMsgId(), body: `calm ${i}` }));
    run.latencies.push(performance.now() - started);
  }
  return run;
}

/**
 * A bystander's sends while `attack` floods: the attack goes on for the whole run, then stops. The
 * bystander's 100 sends take 0.3–3 s depending on the machine's load, so a flood of a fixed size could
 * end first.
 */
export async function bystanderSendsDuring(
  attack: Attack,
  client: ChatClient,
  roomId: string,
): Promise<{ run: BystanderRun; flood: FloodSummary }> {
  await attack.started;
  const run = await bystanderSends(client, roomId).finally(() => attack.stop());
  return { run, flood: await attack.done };
}

/** How many of the run's sends went out while the attack was still being answered. */
export function sendsDuring(run: BystanderRun, attack: { finishedAt: number }): number {
  return run.sentAt.filter((at) => at < attack.finishedAt).length;
}
