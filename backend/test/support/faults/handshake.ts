import { io } from 'socket.io-client';
import type { ConnectErrorData } from '@chat/contracts';

export type HandshakeOutcome = { kind: 'accepted' } | { kind: 'refused'; code: string | undefined; message: string } | { kind: 'timeout' };

/** One handshake attempt with `token` (no retries): accepted, refused (with connect_error data) or no answer. */
export function tryHandshake(baseUrl: string, token: string, timeoutMs = 5_000): Promise<HandshakeOutcome> {
  const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs, auth: { token } });
  return new Promise<HandshakeOutcome>((resolveOutcome) => {
    const finish = (outcome: HandshakeOutcome) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.disconnect();
      resolveOutcome(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs + 500);
    socket.once('connect', () => finish({ kind: 'accepted' }));
    socket.once('connect_error', (error: Error & { data?: Partial<ConnectErrorData> }) =>
      finish({ kind: 'refused', code: error.data?.code, message: error.message }),
    );
  });
}
