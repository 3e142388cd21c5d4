// `npm run bench:app`: how fast the H5 app shows its content on a phone network, cold cache. Chromium is
// throttled to 1.6 Mbps down / 750 kbps up, 150 ms RTT and a 4× slower CPU (DevTools protocol), the BFF
// serves the production H5 build from a throw-away FerretDB, and each page is loaded BENCH_APP_RUNS times
// (default 3) in a fresh profile. Prints the median time until the page's content is on screen and the
// bytes that came over the wire, next to a reference measured in the same run under the same throttling:
// the smallest page the BFF serves (/healthz), i.e. what the link and this machine's load cost before any
// app code. A benchmark, not a test: nothing here is asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureFerretdb, startFerretdb } from '../lib/ferretdb.cjs';
import { startInProcessBff } from './in-process-bff';
import { loginParent, submittedApplication } from '../../tests/support/fixtures';

const RUNS = Number(process.env.BENCH_APP_RUNS ?? 3);
const TARGET_MS = 2500;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

type Case = { name: string; url: (base: string) => string; ready: (page: Page) => Promise<unknown> };

async function run(base: string, c: Case, setup: (page: Page) => Promise<void>) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-bench-app-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    viewport: { width: 375, height: 812 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await context.newPage();
    await setup(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    const t0 = Date.now();
    await page.goto(c.url(base), { waitUntil: 'commit' });
    await c.ready(page);
    return { ms: Date.now() - t0, bytes };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function main() {
  ensureFerretdb();
  const h5 = path.resolve(__dirname, '..', '..', 'miniapp', 'dist', 'h5');
  if (!fs.existsSync(path.join(h5, 'index.html'))) throw new Error('no H5 build: run npm run build:h5 first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-bench-'));
  const db = await startFerretdb({ dataDir: dir });
  const bff = await startInProcessBff({
    MONGODB_URI: db.uri,
    MONGODB_DB: 'bench_app',
    STATIC_DIR: h5,
  });
  const { base } = bff;
  try {
    // A demo parent with one submitted application, logged in on the page before throttling starts.
    const code = 'bench-parent';
    const token = await loginParent(base, code);
    const { id } = await submittedApplication(base, undefined, token);
    // Set up on another path of the same origin, so the measured load is a full page load.
    const asParent = async (page: Page) => {
      await page.goto(`${base}/healthz`);
      await page.evaluate((c) => localStorage.setItem('birth.auth.devCode', JSON.stringify({ data: c })), code);
    };
    const reference: Case = {
      name: '参照：/healthz（最小页面）',
      url: (b) => `${b}/healthz`,
      ready: (p) => p.waitForFunction(() => document.body?.innerText.includes('ok'), undefined, { timeout: 60_000 }),
    };
    const cases: Case[] = [
      {
        name: '办事指南 (首页)',
        url: (b) => `${b}/`,
        ready: (p) => p.getByText('4个工作日', { exact: true }).waitFor({ timeout: 60_000 }),
      },
      {
        name: '填写申请 第1步',
        url: (b) => `${b}/#/form/apply/index`,
        ready: (p) => p.getByLabel('宝宝姓名').waitFor({ timeout: 60_000 }),
      },
      {
        name: '办理进度',
        url: (b) => `${b}/#/pages/progress/index?id=${id}`,
        ready: (p) => p.getByText('总体进度').waitFor({ timeout: 60_000 }),
      },
    ];
    console.log(`H5 on a throttled phone network (1.6 Mbps, 150 ms RTT, CPU ×4), cold cache, median of ${RUNS} runs`);
    const medianOf = async (c: Case) => {
      const results = [];
      for (let i = 0; i < RUNS; i++) results.push(await run(base, c, asParent));
      results.sort((a, b) => a.ms - b.ms);
      return results[Math.floor(results.length / 2)];
    };
    const ref = await medianOf(reference);
    console.log('| page | content shown | × reference | bytes over the wire | target |');
    console.log('|---|---|---|---|---|');
    console.log(`| ${reference.name} | ${(ref.ms / 1000).toFixed(2)} s | 1.0 | ${(ref.bytes / 1024).toFixed(0)} KB | — |`);
    for (const c of cases) {
      const median = await medianOf(c);
      console.log(
        `| ${c.name} | ${(median.ms / 1000).toFixed(2)} s | ${(median.ms / ref.ms).toFixed(1)} | ${(median.bytes / 1024).toFixed(0)} KB | ${median.ms <= TARGET_MS ? '≤ 2.5 s ✓' : '> 2.5 s ✗'} |`,
      );
    }
  } finally {
    await bff.close();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
