import NodeEnvironment from 'jest-environment-node';
import type { Circus } from '@jest/types';
import { FAILURE_FLAG } from './env';

/**
 * Node environment that remembers whether any test or hook of the file failed, so the harness
 * can dump server logs (and the browser suite page screenshots) only when they are useful.
 * The integration and browser suites name it as their `testEnvironment`.
 */
export default class FailureAwareEnvironment extends NodeEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      this.global[FAILURE_FLAG] = true;
    }
  }
}
