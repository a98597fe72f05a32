/**
 * The two kinds of peer a case pairs up, behind one interface: a Node side (a W3C
 * implementation loaded in this process) and a Chromium side (a page in a browser driven by
 * playwright-core). Both run the same scenario library (scenarios.ts); the test process only
 * relays signalling between them.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { installAgent } from './scenarios.js';
import type { Agent, Role, ScenarioParams, ScenarioResult, SignalMessage } from './scenarios.js';

export interface Side {
  readonly name: string;
  open(session: string, config: RTCConfiguration): Promise<void>;
  signal(message: SignalMessage): Promise<void>;
  run(session: string, scenario: string, role: Role, params: ScenarioParams): Promise<ScenarioResult>;
  close(session: string): Promise<string[]>;
  dispose(): Promise<void>;
}

export type Emit = (message: SignalMessage) => void;

/** A Node-side peer on the given `RTCPeerConnection` constructor. */
export function nodeSide(name: string, RTC: typeof RTCPeerConnection, emit: Emit): Side {
  const agent: Agent = installAgent(RTC, emit);
  return {
    name,
    open: async (session, config) => agent.open(session, config),
    signal: (m) => agent.signal(m),
    run: (session, scenario, role, params) => agent.run(session, scenario, role, params),
    close: async (session) => agent.close(session),
    dispose: async () => {
      for (const s of agent.sessions()) agent.close(s);
    },
  };
}

/** Debian's Chromium, the flags the issue asks for; WebRTC settings stay at their defaults. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;
/**
 * ONLY for proving the harness against node-datachannel, which cannot resolve mDNS
 * (`<uuid>.local`) host candidates: Chromium then puts raw IP addresses in its candidates.
 * sansrtc runs never use it.
 */
export const CHROMIUM_NO_MDNS_ARG = '--disable-features=WebRtcHideLocalIpsWithMdns';

export interface ChromiumOptions {
  /** Chromium's default (true) hides host addresses behind mDNS names. */
  readonly mdns: boolean;
}

/**
 * Launches Chromium with a fresh user-data-dir and installs the agent in an about:blank page.
 * Signalling leaves the page through an exposed binding and enters through page.evaluate.
 */
export async function chromiumSide(opts: ChromiumOptions, emit: Emit): Promise<Side & { readonly version: string; pageErrors(): string[] }> {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'sansrtc-chromium-'));
  const args = [...CHROMIUM_ARGS, ...(opts.mdns ? [] : [CHROMIUM_NO_MDNS_ARG])];
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, headless: true, args });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const browser: Browser | null = context.browser();
  const page: Page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.exposeFunction('__sansrtcEmit', (m: SignalMessage) => emit(m));
  // tsx compiles with keepNames, so the serialized function calls __name(); define it first.
  await page.evaluate((src: string) => {
    const g = globalThis as unknown as Record<string, unknown>;
    g['__name'] = (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true });
    const install = (0, eval)(src) as typeof installAgent;
    g['__sansrtcAgent'] = install(RTCPeerConnection, (m) => (g['__sansrtcEmit'] as (m: SignalMessage) => void)(m));
  }, `(${installAgent.toString()})`);
  const version = browser?.version() ?? (await page.evaluate(() => navigator.userAgent));
  type G = { __sansrtcAgent: Agent };
  return {
    name: 'chromium',
    version,
    pageErrors: () => errors.slice(),
    open: (session, config) => page.evaluate(([s, c]) => (globalThis as unknown as G).__sansrtcAgent.open(s, c), [session, config] as const),
    signal: (m) => page.evaluate((msg) => (globalThis as unknown as G).__sansrtcAgent.signal(msg), m),
    run: (session, scenario, role, params) =>
      page.evaluate(([s, n, r, p]) => (globalThis as unknown as G).__sansrtcAgent.run(s, n, r, p), [session, scenario, role, params] as const),
    close: (session) => page.evaluate((s) => (globalThis as unknown as G).__sansrtcAgent.close(s), session),
    dispose: async () => {
      try {
        await context.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
