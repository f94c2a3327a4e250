import NodeEnvironment from 'jest-environment-node';
import type { Circus } from '@jest/types';
import { FAILURE_FLAG, HOST_CLEANUP_HOOK } from './env';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Node environment that remembers whether any test or hook of the file failed, so the harness
 * can dump server logs (and the browser suite page screenshots) only when they are useful.
 * The integration and browser suites name it as their `testEnvironment`.
 *
 * It also runs the harness's last-resort cleanups (processes.ts: SIGKILL to the pods, servers and Kafka
 * broker a file started) from the real process, which the test file's own `process` copy cannot reach:
 * when the file is done (anything still running after its afterAll hooks), when jest exits, and when
 * the run is interrupted (Ctrl-C, a CI timeout's SIGTERM) — then the signal takes its usual course.
 */
export default class FailureAwareEnvironment extends NodeEnvironment {
  private readonly cleanups = new Set<() => void>();

  private readonly runCleanups = (): void => {
    for (const cleanup of this.cleanups) {
      try {
        cleanup();
      } catch {
        // best effort
      }
    }
    this.cleanups.clear();
  };

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.runCleanups();
    this.unlisten();
    // With no other listener left, the signal now ends the process as it would have (else theirs runs).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  override async setup(): Promise<void> {
    await super.setup();
    this.global[HOST_CLEANUP_HOOK] = (cleanup: () => void) => this.cleanups.add(cleanup);
    process.on('exit', this.runCleanups);
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  override async teardown(): Promise<void> {
    this.runCleanups();
    this.unlisten();
    await super.teardown();
  }

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      this.global[FAILURE_FLAG] = true;
    }
  }

  private unlisten(): void {
    process.off('exit', this.runCleanups);
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }
}
