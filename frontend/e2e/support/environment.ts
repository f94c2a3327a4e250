import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';

/** Global the suites read to decide whether to dump pod logs and page screenshots. */
export const FAILURE_FLAG = '__chatE2eFailed';

/** Node environment that remembers whether a test or hook of the file failed. */
export default class E2eEnvironment extends NodeEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global[FAILURE_FLAG] = true;
  }
}
