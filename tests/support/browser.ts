// Debian's Chromium driven by playwright-core (no downloaded browsers), with a fresh profile per run and
// every background-networking feature off: browser tests only ever talk to 127.0.0.1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startTestServer, type TestServer } from './test-server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts', 'e2e');

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`npm test\` (it installs it) or apt-get install chromium fonts-noto-cjk`,
    );
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    viewport: { width: 375, height: 1400 },
    deviceScaleFactor: 2,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function artifact(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/**
 * The H5 build served by a real BFF, plus a browser: started before the calling file's tests and stopped
 * after them. Read `server` and `browser` inside tests (they exist once beforeAll has run).
 */
export function h5AppUnderTest(): {
  readonly server: TestServer;
  readonly browser: Awaited<ReturnType<typeof launchBrowser>>;
  /** Every Content-Security-Policy violation any page reported so far (the file fails on any). */
  readonly cspViolations: string[];
} {
  const app = { cspViolations: [] as string[] } as {
    server: TestServer;
    browser: Awaited<ReturnType<typeof launchBrowser>>;
    cspViolations: string[];
  };
  beforeAll(async () => {
    const h5 = path.resolve(__dirname, '..', '..', 'miniapp', 'dist', 'h5');
    if (!fs.existsSync(path.join(h5, 'index.html')))
      throw new Error('no H5 build: run `npm test` (it builds miniapp/dist/h5) or `npm run build:h5`');
    app.server = await startTestServer({ STATIC_DIR: 'miniapp/dist/h5' });
    app.browser = await launchBrowser();
    // The app runs under the BFF's CSP: every page reports each violation (the securitypolicyviolation event).
    await app.browser.context.exposeBinding('__reportCspViolation', (_source, line: string) => app.cspViolations.push(line));
    await app.browser.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __reportCspViolation(line: string): void }).__reportCspViolation(
          `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`,
        );
      });
    });
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
    // Outside the app's own pages (a test's deliberate probe clears what it caused), there must be none.
    if (app.cspViolations.length) throw new Error(`CSP violations in the H5 app:\n${app.cspViolations.join('\n')}`);
  });
  return app;
}
