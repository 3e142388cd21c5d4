import { artifact, h5AppUnderTest } from '../support/browser';

jest.setTimeout(60_000);

describe('the API docs page (development)', () => {
  const app = h5AppUnderTest();

  test('when an integrator opens /api/v1/docs, then the document renders under the page’s CSP from same-origin files only', async () => {
    const page = await app.browser.context.newPage();
    const loadedOutside: string[] = [];
    const blocked: string[] = [];
    page.on('requestfinished', (req) => {
      const url = req.url();
      if (!url.startsWith(app.server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) loadedOutside.push(url);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/.test(msg.text())) blocked.push(msg.text());
    });
    await page.goto(`${app.server.url}/api/v1/docs`);
    // Rendered from the registry: the title, an operation's summary, a response schema's component.
    await page.getByText('出生"一件事" BFF', { exact: false }).first().waitFor();
    await page.locator('h2', { hasText: 'Per-item state, timeline, deadlines' }).first().waitFor();
    await page.getByText('predictedCompletionAt').first().waitFor({ state: 'attached' });
    await page.screenshot({ path: artifact('api-docs.png') });
    expect(loadedOutside).toEqual([]);
    // Only Redoc's footer logo (an outside image) may be refused; none of the page's own scripts or styles.
    expect(blocked.filter((text) => !text.includes('cdn.redoc.ly'))).toEqual([]);
  });
});
