import { request } from 'node:http';
import { io } from 'socket.io-client';
import type { ConnectErrorData } from '@chat/contracts';

export type HandshakeOutcome =
  | { kind: 'accepted' }
  /** `active`: whether socket.io-client would go on retrying by itself (false after a refusal by the server's middleware). */
  | { kind: 'refused'; code: string | undefined; message: string; active: boolean }
  | { kind: 'timeout' };

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
      finish({ kind: 'refused', code: error.data?.code, message: error.message, active: socket.active }),
    );
  });
}

/**
 * The HTTP status a pod answers to an Engine.IO handshake without a session: a polling GET, or a WebSocket
 * upgrade (101 when accepted). 0 when nothing answered.
 */
export function engineHandshakeStatus(baseUrl: string, transport: 'polling' | 'websocket', timeoutMs = 2_000): Promise<number> {
  const upgrade = transport === 'websocket';
  const headers: Record<string, string> = upgrade
    ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }
    : {};
  return new Promise((resolveStatus) => {
    const req = request(`${baseUrl}/socket.io/?EIO=4&transport=${transport}`, { headers, agent: false, timeout: timeoutMs });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
    req.end();
  });
}
