import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { Agent, createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AppConfig } from '../config/app-config';
import { DrainState } from '../health/draining';
import type { SendPipeline } from '../messages/send-pipeline';
import type { Broadcaster } from '../realtime/broadcaster';
import { DrainService } from './drain.service';

function drainService(server: Server, shutdownGraceMs: number): { drain: DrainService; drainState: DrainState } {
  const drainState = new DrainState();
  const drain = new DrainService(
    { shutdownGraceMs, drainSpreadMs: 0 } as AppConfig,
    drainState,
    { pending: 0 } as SendPipeline,
    { localSockets: () => [] } as unknown as Broadcaster,
    { httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost,
  );
  return { drain, drainState };
}

describe('DrainService and HTTP keep-alive connections', () => {
  let server: Server;
  let port: number;
  let agent: Agent;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    // /hang never answers: a request that would hold the server open for ever.
    server = createServer((req, res) => {
      if (req.url !== '/hang') res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** GET over the keep-alive agent; resolves with the response and the connection it came on. */
  const fetchOk = (path = '/') =>
    new Promise<{ res: IncomingMessage; socket: Socket }>((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path, agent }, (res) => {
        const socket = res.socket;
        res.resume();
        res.on('end', () => resolve({ res, socket }));
      });
      req.on('error', reject);
    });

  it('makes every response while draining close its keep-alive connection', async () => {
    const before = await fetchOk();
    expect(before.res.headers.connection).toBe('keep-alive');

    const { drain, drainState } = drainService(server, 10_000);
    const drained = drain.beforeApplicationShutdown();
    expect(drainState.draining).toBe(true);
    // The same pooled connection still serves this request, then closes.
    const during = await fetchOk();
    expect(during.socket).toBe(before.socket);
    expect(during.res.headers.connection).toBe('close');
    if (!during.socket.destroyed) await new Promise((resolve) => during.socket.once('close', resolve));
    await drained;
  });

  it('cuts a request still in flight shortly before the grace period ends', async () => {
    const hanging = fetchOk('/hang');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { drain } = drainService(server, 1_500);
    const startedAt = Date.now();
    await drain.beforeApplicationShutdown();
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
    // Cut at 0.9 of the grace period (1350 ms); timers may run a little late on a busy machine.
    const cutAfter = Date.now() - startedAt;
    expect(cutAfter).toBeGreaterThanOrEqual(1_300);
    expect(cutAfter).toBeLessThan(2_000);
  });
});
