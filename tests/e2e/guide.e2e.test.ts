import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { artifact, h5AppUnderTest } from '../support/browser';
import { axeViolations, settled } from '../support/h5';

jest.setTimeout(30_000);

describe('the H5 app served by the BFF', () => {
  const app = h5AppUnderTest();

  test('when a parent opens the app, then the simple guide shows in Chinese with the 4-working-day limit and the five items', async () => {
    const page = await app.browser.context.newPage();
    const outside: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(app.server.url) && !req.url().startsWith('data:')) outside.push(req.url());
    });
    await page.goto(`${app.server.url}/`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByText('4个工作日', { exact: true }).waitFor();
    const text = await page.locator('body').innerText();
    for (const name of [
      '出生医学证明',
      '预防接种证',
      '出生户口登记',
      '城乡居民参保登记',
      '社会保障卡申领',
      '不收费',
      '开始办理',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/出生[“"]一件事[”"]联办/);
    await page.screenshot({ path: artifact('guide.png') });
    expect(await axeViolations(page)).toEqual([]);
    expect(fs.statSync(artifact('guide.png')).size).toBeGreaterThan(10_000);
    expect(outside).toEqual([]); // nothing fetched from outside loopback
  });

  test('when elder mode is switched on, then the text gets larger and it stays on after a reload', async () => {
    const page = await app.browser.context.newPage();
    await page.goto(`${app.server.url}/`);
    await page.getByText('4个工作日', { exact: true }).waitFor();
    const bodySize = () =>
      page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.app-page') as Element).fontSize));
    const before = await bodySize();
    expect(await page.locator('.app-page.elder-mode').count()).toBe(0);
    await page.getByRole('switch').first().click();
    await page.locator('.app-page.elder-mode').first().waitFor();
    expect(await bodySize()).toBeGreaterThanOrEqual(before + 2);
    await page.reload();
    await page.locator('.app-page.elder-mode').first().waitFor();
    expect(await bodySize()).toBeGreaterThanOrEqual(before + 2);
    await page.screenshot({ path: artifact('guide-elder.png') });
    expect(await axeViolations(page)).toEqual([]);
  });

  test('when a deep link or unknown page path is opened, then the app shell answers, while a missing asset is a 404', async () => {
    const deep = await fetch(`${app.server.url}/some/deep/link`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app"');
    expect((await fetch(`${app.server.url}/js/missing-file.js`)).status).toBe(404);
    expect((await fetch(`${app.server.url}/api/v1/unknown`)).headers.get('content-type')).toContain('problem+json');
  });

  test('when a phone asks for the app, then index.html shows a skeleton at once and the scripts come brotli-compressed and cached for good', async () => {
    const html = await (await fetch(`${app.server.url}/`)).text();
    expect(html).toContain('正在打开，请稍候');
    const script = /src="\/?(js\/app\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const raw = await new Promise<{ headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
      http
        .get(`${app.server.url}/${script}`, { headers: { 'Accept-Encoding': 'br, gzip' } }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve({ headers: res.headers, bytes }));
        })
        .on('error', reject);
    });
    expect(raw.headers['content-encoding']).toBe('br');
    expect(raw.headers['content-type']).toContain('javascript');
    expect(raw.headers['cache-control']).toContain('immutable');
    const plain = fs.statSync(path.join(__dirname, '..', '..', 'miniapp', 'dist', 'h5', script as string)).size;
    expect(raw.bytes).toBeLessThan(plain / 2);
    expect((await fetch(`${app.server.url}/`)).headers.get('cache-control')).toBe('no-cache');
  });

  test("when the app runs under the BFF's Content-Security-Policy, then nothing of it is refused, while an injected inline script is", async () => {
    const page = await app.browser.context.newPage();
    const response = await page.goto(`${app.server.url}/`);
    const csp = (await response!.allHeaders())['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'sha256-");
    expect(csp).toContain('frame-ancestors');
    await page.getByText('4个工作日', { exact: true }).waitFor();
    await page.getByText('开始办理', { exact: true }).first().click();
    await settled(page);
    expect(app.cspViolations).toEqual([]);
    // The listener really hears the browser refuse: an inline script an attacker slipped in does not run.
    const before = app.cspViolations.length;
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      const reported = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve, { once: true }));
      document.head.appendChild(script);
      await reported;
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    // The report reached the test through the exposed binding: take the probe's out.
    while (app.cspViolations.length === before) await new Promise((r) => setImmediate(r));
    const probe = app.cspViolations.splice(before);
    expect(probe.join('\n')).toMatch(/script-src/);
    await page.close();
  });
});
