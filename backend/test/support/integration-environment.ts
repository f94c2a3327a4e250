import NodeEnvironment from 'jest-environment-node';
import type { Circus } from '@jest/types';

/** Global flag the harness reads in afterAll to decide whether to print pod logs. */
export const FAILURE_FLAG = '__chatIntegrationFailed';

/**
 * Node environment that remembers whether any test or hook of the file failed, so the harness
 * can dump the server logs only when they are useful.
 */
export default class IntegrationEnvironment extends NodeEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      this.global[FAILURE_FLAG] = true;
    }
  }
}
