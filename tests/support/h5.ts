// Helpers for browser tests of the H5 app: a new device, waiting for Taro's page transitions, whole-page
// screenshots, form filling by label, and axe-core checks.
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { artifact } from './browser';

/** Where the app keeps this device's dev-login code (Taro's H5 storage wraps values as {"data": …}). */
export const DEV_CODE_KEY = 'birth.auth.devCode';

/** Opens the app as a new device: the app logs itself in (dev) and we read the code it stored. */
export async function openAsNewDevice(context: BrowserContext, base: string): Promise<{ page: Page; devCode: string }> {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByText('开始办理', { exact: true }).first().waitFor();
  const handle = await page.waitForFunction(
    ([codeKey]) => {
      const raw = localStorage.getItem(codeKey);
      const token = localStorage.getItem('birth.auth.accessToken');
      return raw && token ? (JSON.parse(raw) as { data: string }).data : false;
    },
    [DEV_CODE_KEY],
  );
  return { page, devCode: (await handle.jsonValue()) as string };
}

/** Waits for Taro's page slide-in to end, so screenshots and clicks see the page in place. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const shown = Array.from(document.querySelectorAll('.taro_page')).filter((el) => el.getBoundingClientRect().width > 0);
    return shown.length > 0 && shown.every((el) => Math.abs(el.getBoundingClientRect().left) < 1);
  });
}

/** The page scrolls inside Taro's page element, not the document: grow the viewport to take it whole. */
export async function screenshotWholePage(page: Page, name: string): Promise<void> {
  await settled(page);
  const height = await page.evaluate(() =>
    Math.max(...Array.from(document.querySelectorAll('.taro_page')).map((el) => el.scrollHeight), 0),
  );
  const before = page.viewportSize() ?? { width: 375, height: 1400 };
  await page.setViewportSize({ width: before.width, height: Math.min(Math.max(height, 600), 12_000) });
  await page.screenshot({ path: artifact(name) });
  await page.setViewportSize(before);
  expect(fs.statSync(artifact(name)).size).toBeGreaterThan(10_000);
}

/** The visible page (Taro keeps earlier pages in the DOM, hidden). */
export function current(page: Page) {
  return page.locator('.taro_page:not([style*="display: none"])').last();
}

/** A NutUI button by its text on the current page. */
export function button(page: Page, text: string) {
  return current(page).locator('taro-button-core', { hasText: text }).first();
}

/** axe-core on the current page: returns the violations (id and the first target of each). */
export async function axeViolations(page: Page): Promise<{ id: string; impact?: string | null; targets: string[] }[]> {
  await settled(page);
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    targets: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`.slice(0, 300)),
  }));
}

/** Taps 下一步 and waits for the next step's title. */
export async function next(page: Page, expectTitle: string): Promise<void> {
  await button(page, '下一步').click();
  await current(page).getByRole('heading', { level: 1, name: expectTitle }).waitFor({ timeout: 20_000 });
}

/** Types into the field of the current page labelled `label`. */
export async function fill(page: Page, label: string, value: string): Promise<void> {
  await current(page).getByLabel(label, { exact: true }).fill(value);
}

/** From the guide to the first step: taps 开始办理 and waits for 宝宝信息 to settle. */
export async function startApplication(page: Page): Promise<void> {
  await page.locator('taro-button-core', { hasText: '开始办理' }).first().click();
  await current(page).getByRole('heading', { level: 1, name: '宝宝信息' }).waitFor();
  await settled(page);
}

/** Fills 宝宝信息 (time HH:MM on the chosen day, a hospital id of the guide) and goes on to 母亲信息. */
export async function fillNewborn(
  page: Page,
  baby: { name: string; sex: '男' | '女'; day: '今天' | '昨天' | '前天'; time: string; hospital: string },
): Promise<void> {
  await fill(page, '宝宝姓名', baby.name);
  await current(page).getByRole('radio', { name: baby.sex }).click();
  await current(page).getByRole('radio', { name: baby.day }).click();
  await current(page).locator('input[type="time"]').fill(baby.time);
  await current(page).getByLabel('出生医院').selectOption(baby.hospital);
  await next(page, '母亲信息');
}

/**
 * From 落户和结婚信息 to the address of 证件怎么拿: the baby registered with the mother at a Ningbo address,
 * every item kept, documents mailed to 宁波市海曙区. The recipient and street are the caller's to fill.
 */
export async function registerWithMotherAndMailToNingbo(page: Page): Promise<void> {
  await current(page)
    .getByRole('radio', { name: /随母亲落户/ })
    .click();
  await fill(page, '户籍地址', '浙江省宁波市海曙区中山西路1号');
  await next(page, '选择事项');
  await next(page, '证件怎么拿');
  await current(page)
    .getByRole('radio', { name: /邮寄到家/ })
    .click();
  await current(page).getByLabel('市', { exact: true }).selectOption({ label: '宁波市' });
  await current(page).getByLabel('区县', { exact: true }).selectOption({ label: '海曙区' });
}
