/** Types of broker.mjs (the broker set-up shared by the test harness and the performance suite). */

export declare const NODE_ID: number;

export interface BrokerSetupOptions {
  /** Partitions of topics created without a count (`num.partitions`); default 8. */
  partitions?: number;
  /** More (or overriding) server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  /** JVM maximum heap (`-Xmx`); default 512m. */
  heap?: string;
}

export interface PreparedBroker {
  /** PLAINTEXT listener for clients. */
  port: number;
  /** CONTROLLER listener (KRaft quorum). */
  controllerPort: number;
  /** Holds server.properties and the log dir (`data/`); the caller deletes it. */
  dir: string;
  /** `host:port` for KAFKA_BROKERS and the clients' bootstrapBrokers. */
  bootstrap: string;
  /** The command line that starts the broker (`java … kafka.Kafka server.properties`). */
  command: string;
  args: string[];
}

export declare function kafkaLibsDir(): Promise<string>;

export declare function prepareBroker(options?: BrokerSetupOptions): Promise<PreparedBroker>;

export declare function waitBrokerReady(
  bootstrap: string,
  options: { timeoutMs?: number; exited: () => boolean; tail: () => string },
): Promise<void>;
