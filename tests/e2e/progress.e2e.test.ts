import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { formatDeadline } from '../../miniapp/src/utils/format';
import { artifact, h5AppUnderTest } from '../support/browser';
import { departmentToken, loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { axeViolations, openAsNewDevice } from '../support/h5';
import { api } from '../support/test-server';

/** Where the app keeps this device's dev-login code (Taro's H5 storage wraps values as {"data": …}). */
const REASONS = [
  {
    code: 'ADDRESS_MISMATCH',
    field: 'household.householdAddress',
    message: '户籍地址与户口簿首页不一致，请按户口簿填写完整地址',
  },
  { field: 'household.relationshipToHead', message: '新生儿与户主的关系填写有误：户主为祖父时应填“孙子”或“孙女”' },
];

jest.setTimeout(90_000);

describe('我的申请 and 办理进度 in the H5 app', () => {
  const app = h5AppUnderTest();

  /** Waits for Taro's page slide-in to end, so screenshots and clicks see the page in place. */
  async function settled(page: Page) {
    await page.waitForFunction(() => {
      const shown = Array.from(document.querySelectorAll('.taro_page')).filter((el) => el.getBoundingClientRect().width > 0);
      return shown.length > 0 && shown.every((el) => Math.abs(el.getBoundingClientRect().left) < 1);
    });
  }

  /** The page scrolls inside Taro's page element, not the document: grow the viewport to take it whole. */
  async function screenshotWholePage(page: Page, name: string) {
    await settled(page);
    const height = await page.evaluate(() =>
      Math.max(...Array.from(document.querySelectorAll('.taro_page')).map((el) => el.scrollHeight), 0),
    );
    const before = page.viewportSize() ?? { width: 375, height: 1400 };
    await page.setViewportSize({ width: before.width, height: Math.min(Math.max(height, 600), 12_000) });
    await page.waitForTimeout(150);
    await page.screenshot({ path: artifact(name) });
    await page.setViewportSize(before);
    expect(fs.statSync(artifact(name)).size).toBeGreaterThan(20_000);
  }

  async function event(token: string, taskId: string, body: Record<string, unknown>) {
    const res = await api(app.server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, { token, body });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  }

  test('when a parent has no application yet, then 我的申请 says so kindly and offers 开始办理', async () => {
    const { page } = await openAsNewDevice(app.browser.context, app.server.url);
    await page.locator('taro-button-core', { hasText: '我的申请' }).click();
    await page.getByRole('heading', { level: 1, name: '我的申请' }).waitFor();
    await page.getByText('您还没有申请').waitFor();
    await settled(page);
    const empty = page.locator('.empty');
    expect(await empty.innerText()).toContain('开始办理');
    await empty.locator('taro-button-core', { hasText: '开始办理' }).click();
    await page.getByRole('heading', { level: 1, name: '宝宝信息' }).waitFor();
    await page.close();
  });

  test('when the hospital completes the birth certificate and the police reject household registration with two reasons, then 办理进度 shows every item in Chinese, both reasons at once and the due dates', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const outside: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(app.server.url) && !req.url().startsWith('data:')) outside.push(req.url());
    });

    // The same demo parent as the app, through the API: submit, then two departments act.
    const token = await loginParent(app.server.url, devCode);
    const input = validApplication();
    const { id } = await submittedApplication(app.server.url, input, token);
    const hospital = await departmentToken(app.server.url, 'hospital');
    const police = await departmentToken(app.server.url, 'police');
    await event(hospital, `${id}.birth_certificate`, { eventId: `${id}-bc-accept`, type: 'accept' });
    await event(hospital, `${id}.birth_certificate`, {
      eventId: `${id}-bc-complete`,
      type: 'complete',
      outputs: { certificateNumber: 'Q330012345' },
    });
    await event(police, `${id}.hukou_registration`, { eventId: `${id}-hk-reject`, type: 'reject', reasons: REASONS });
    const truth = (await api(app.server.url, 'GET', `/api/v1/applications/${id}/progress`, { token })).body;
    expect(truth.dueAt).toEqual(expect.any(String));

    // 首页 → 我的申请 → the application → 办理进度
    await page.locator('taro-button-core', { hasText: '我的申请' }).click();
    const card = page.locator('.app-card', { hasText: input.newborn.name });
    await card.waitFor();
    expect(await card.innerText()).toContain('有事项退回');
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await card.click();
    await page.getByRole('heading', { level: 1, name: '办理进度' }).waitFor();
    await page.getByText('总体进度').waitFor();
    expect(page.url()).toContain(`id=${id}`);

    // Each item's state, in Chinese, on its own card.
    const itemCard = (name: string) =>
      page.locator('.item-card', { has: page.getByRole('heading', { level: 3, name, exact: true }) });
    const expectedStates: Record<string, string> = {
      出生医学证明: '已办结',
      预防接种证: '已推送至办理部门',
      出生户口登记: '已退回',
      城乡居民参保登记: '等待前一事项办结',
      社会保障卡申领: '等待前一事项办结',
    };
    for (const [name, state] of Object.entries(expectedStates)) {
      const text = await itemCard(name).innerText();
      expect(text).toContain(state);
    }
    expect(await itemCard('出生户口登记').innerText()).toContain('办理部门：落户地派出所');

    // 一次性告知: both reasons visible at the same time, in one box, with the 去更正 button.
    const box = itemCard('出生户口登记').locator('.rejection');
    for (const reason of REASONS) expect(await box.getByText(reason.message).isVisible()).toBe(true);
    expect(await box.innerText()).toContain('需要您更正 2 处信息');
    expect(await box.locator('taro-button-core', { hasText: '去更正' }).isVisible()).toBe(true);

    // The deadlines: the 4-working-day promise, the application's due date, the open item's due date.
    const summary = await page.locator('.summary').innerText();
    expect(summary).toContain('4个工作日内办结（不含信息确认、制卡、寄送时间）');
    expect(summary).toContain(formatDeadline(truth.dueAt));
    expect(summary).toMatch(/已用 \d+ 个工作日，共 4 个/);
    const vaccination = truth.items.find((i: { key: string }) => i.key === 'vaccination_certificate');
    expect(await itemCard('预防接种证').innerText()).toContain(formatDeadline(vaccination.dueAt));
    expect(formatDeadline(truth.dueAt)).toMatch(/^\d{1,2}月\d{1,2}日 周[一二三四五六日]/);

    // The timeline, newest first, in Chinese.
    const timeline = page.locator('.timeline-row');
    expect(await timeline.first().innerText()).toContain('出生户口登记 已退回');
    const allTimeline = await page.locator('.timeline').innerText();
    for (const words of ['已推送至落户地派出所', '已推送至助产机构', '已受理', '已办结', '申请已提交']) {
      expect(allTimeline).toContain(words);
    }

    await screenshotWholePage(page, 'progress.png');
    expect(await axeViolations(page)).toEqual([]);

    // Elder mode on this page: larger type, and the screenshot a grandparent would see.
    const bodySize = () =>
      page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.app-page.progress') as Element).fontSize));
    const before = await bodySize();
    await page.locator('.app-page.progress').getByRole('switch').click();
    await page.locator('.app-page.progress.elder-mode').waitFor();
    expect(await bodySize()).toBeGreaterThanOrEqual(before + 2);
    for (const reason of REASONS) expect(await box.getByText(reason.message).isVisible()).toBe(true);
    await screenshotWholePage(page, 'progress-elder.png');
    expect(await axeViolations(page)).toEqual([]);

    // While the page is open, the hospital accepts the vaccination certificate: it shows up on its own.
    await event(hospital, `${id}.vaccination_certificate`, { eventId: `${id}-vc-accept`, type: 'accept' });
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.item-card')).some(
          (el) => el.textContent?.includes('预防接种证') && el.textContent.includes('已受理'),
        ),
      undefined,
      { timeout: 15_000 },
    );

    // 去更正 opens the correction screen: every reason, and only the two fields they point at.
    await box.locator('taro-button-core', { hasText: '去更正' }).click();
    const correct = page.locator('.app-page.correct');
    await correct.getByRole('heading', { level: 1, name: '更正信息' }).waitFor();
    await correct.getByText('落户地派出所退回了“出生户口登记”，共 2 处').waitFor();
    expect(page.url()).toContain('item=hukou_registration');
    for (const reason of REASONS) expect(await correct.getByText(reason.message).isVisible()).toBe(true);
    expect(await correct.getByLabel('户籍地址', { exact: true }).inputValue()).toBe(input.household.householdAddress);
    expect(await correct.getByRole('radiogroup').count()).toBe(1); // 与户主关系
    for (const other of ['宝宝姓名', '母亲姓名', '父亲身份证号码', '户主姓名'])
      expect(await correct.getByText(other).count()).toBe(0);

    // The progress page is hidden now: it stops asking the BFF (it polls only while shown).
    const polls: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes(`/applications/${id}/progress`)) polls.push(req.url());
    });
    await page.waitForTimeout(11_000);
    expect(polls).toEqual([]);

    // Correct both, resubmit: that item alone goes back to the police, the others stay as they were.
    await correct.getByLabel('户籍地址', { exact: true }).fill('浙江省杭州市西湖区文三路100号3幢201室（户口簿首页）');
    await correct.getByRole('radio', { name: '孙女', exact: true }).click();
    await settled(page);
    await screenshotWholePage(page, 'correct.png');
    expect(await axeViolations(page)).toEqual([]);
    await correct.locator('taro-button-core', { hasText: '重新提交' }).click();
    await page.getByText('“出生户口登记”已重新提交').waitFor({ timeout: 20_000 });
    const after = (await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token })).body;
    expect(after.data.household.relationshipToHead).toBe('孙女');
    expect(after.data.household.householdAddress).toContain('户口簿首页');
    expect(after.items.find((i: { key: string }) => i.key === 'hukou_registration').state).toBe('dispatched');
    expect(after.items.find((i: { key: string }) => i.key === 'birth_certificate').state).toBe('completed');

    expect(outside).toEqual([]);
    await page.close();
  });
});
