import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedSoFar, startFreshCluster, TcpProxy, type FreshCluster, type FreshClusterOptions } from '@chat/test-harness';
import type { Browser } from 'playwright-core';
import { ApiClient } from './api';
import { launchBrowser, openTab, type Tab, type TabOptions } from './browser';

/** The admin account of the browser suite's pods (its name shows in the admin screenshots). */
export const ADMIN_USERNAME = 'e2e-admin';
export const ADMIN_PASSWORD = 'e2e-admin-password';

/** The browser suite's pods: JSON logs, no drain spread, its own admin. */
export function e2eCluster(pods: number): Promise<FreshCluster> {
  const options: FreshClusterOptions = {
    pods,
    requireClient: true,
    env: { ADMIN_USERNAME, ADMIN_PASSWORD, LOG_FORMAT: 'json', DRAIN_SPREAD_MS: '0' },
  };
  return startFreshCluster(options);
}

/**
 * Two pods, each behind its own load balancer that prefers it and fails over to the other:
 * a tab opened on `viaA` talks to pod A until pod A dies, then to pod B (and vice versa).
 */
export interface World {
  cluster: FreshCluster;
  viaA: TcpProxy;
  viaB: TcpProxy;
  browser: Browser;
  admin: ApiClient;
  tabs: Tab[];
}

export async function startWorld(): Promise<World> {
  const cluster = await e2eCluster(2);
  const [podA, podB] = cluster.pods;
  if (!podA || !podB) throw new Error('two pods expected');
  let viaA: TcpProxy | null = null;
  let viaB: TcpProxy | null = null;
  try {
    viaA = await TcpProxy.start([podA.port, podB.port]);
    viaB = await TcpProxy.start([podB.port, podA.port]);
    const browser = await launchBrowser();
    const admin = await ApiClient.login(podA.baseUrl, ADMIN_USERNAME, ADMIN_PASSWORD);
    return { cluster, viaA, viaB, browser, admin, tabs: [] };
  } catch (err) {
    await viaA?.close();
    await viaB?.close();
    await cluster.stop();
    throw err;
  }
}

/** Opens a browser profile on one of the load balancers; it is closed with the world. */
export async function newTab(world: World, via: TcpProxy, options: TabOptions = {}): Promise<Tab> {
  const tab = await openTab(world.browser, via.url, options);
  world.tabs.push(tab);
  return tab;
}

/** Tears everything down, whatever state it is in; on failure keeps logs and page pictures. */
export async function stopWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  const failed = failedSoFar();
  if (failed) {
    const dir = join(tmpdir(), 'chat-e2e-failures');
    mkdirSync(dir, { recursive: true });
    await Promise.all(world.tabs.map((tab, i) => tab.page.screenshot({ path: join(dir, `tab-${i}.png`) }).catch(() => undefined)));
    for (const [i, tab] of world.tabs.entries()) {
      if (tab.errors.length) process.stderr.write(`tab ${i} page errors:\n${tab.errors.join('\n')}\n`);
    }
    process.stderr.write(`Screenshots of the open tabs: ${dir}\n`);
  }
  await world.browser.close().catch(() => undefined);
  await world.viaA.close().catch(() => undefined);
  await world.viaB.close().catch(() => undefined);
  await world.cluster.stop();
}
