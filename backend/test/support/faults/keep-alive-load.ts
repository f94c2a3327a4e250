import { join } from 'node:path';
import { ManagedProcess } from '@chat/test-harness';

export interface KeepAliveCounts {
  responses: number;
  /** Responses after mark(). */
  afterMark: number;
  /** Responses that told the client to close the connection. */
  withConnectionClose: number;
  errors: number;
}

/** keep-alive-load.mjs against one URL: back-to-back GETs over `connections` keep-alive connections. */
export class KeepAliveLoad {
  private constructor(private readonly proc: ManagedProcess) {}

  static start(url: string, connections: number): KeepAliveLoad {
    const script = join(__dirname, 'keep-alive-load.mjs');
    return new KeepAliveLoad(new ManagedProcess('keep-alive', process.execPath, [script, url, String(connections)], {}));
  }

  /** From now on responses are also counted in `afterMark`. */
  mark(): void {
    this.proc.signal('SIGUSR2');
  }

  async stop(): Promise<KeepAliveCounts> {
    await this.proc.stop(5_000);
    const line = this.proc.logs.filter((entry) => entry.startsWith('[keep-alive out] ')).at(-1);
    if (!line) throw new Error(`the keep-alive load reported nothing:\n${this.proc.tail()}`);
    return JSON.parse(line.slice('[keep-alive out] '.length)) as KeepAliveCounts;
  }
}
