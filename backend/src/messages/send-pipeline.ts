import type { Message } from '@chat/contracts';
import type { PendingSend, SendOutcome } from './message.repository';

/**
 * How a send reaches PostgreSQL: MessageWriter (direct group commit, the default) or KafkaSendPipeline
 * (through `<prefix>ingest` to the writers, with KAFKA_BROKERS). Either way the outcome comes only after
 * the commit, and every message it creates is reported once to the committed listeners, on the pod
 * that wrote it, whether or not its sender was still waiting.
 */
export abstract class SendPipeline {
  /** The stored message (new, or the original of a resend) or why not; UNAVAILABLE past its deadline. */
  abstract write(send: PendingSend): Promise<SendOutcome>;
  /** Called once with every message this pod committed (the service broadcasts it). */
  abstract onCommitted(listener: (message: Message) => void): void;
  /** Sends accepted but not yet answered. */
  abstract get pending(): number;
}
