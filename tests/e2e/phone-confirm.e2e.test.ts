// 接收短信提醒 on 办理进度: the BFF sends notice SMS only to a confirmed phone, so a parent who typed the
// phone proves it with the 6-digit code the dev SMS lands in the dev inbox (the test server's database).
import type { Page } from 'playwright-core';
import { devIdentity } from '../../bff/src/components/auth';
import { h5AppUnderTest } from '../support/browser';
import { loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { axeViolations, current, openAsNewDevice, screenshotWholePage, settled } from '../support/h5';
import { api } from '../support/test-server';

jest.setTimeout(120_000);

/** A mainland mobile number of this test's own (the SMS caps count per phone). */
const freshPhone = () => `139${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(7)}`;

describe('接收短信提醒: confirming the notice phone with an SMS code in the H5 app', () => {
  const app = h5AppUnderTest();

  /** A parent on a new device with a submitted application whose phone they typed; 办理进度 right after submitting. */
  async function submittedWithPhone(phone?: string) {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const token = await loginParent(app.server.url, devCode);
    const input = validApplication();
    const typed = phone ?? freshPhone();
    input.mother.phone = typed;
    input.father.phone = typed;
    const { id } = await submittedApplication(app.server.url, input, token);
    await page.goto(`${app.server.url}/#/pages/progress/index?id=${id}&submitted=1`);
    await current(page).getByText('申请已提交成功').waitFor();
    const card = current(page).locator('.phone-confirm');
    await card.getByRole('heading', { level: 2, name: '接收短信提醒：验证手机号' }).waitFor();
    return { page, devCode, token, id, phone: typed, card };
  }

  /** The newest code the dev SMS sent to this phone, read from the dev inbox. */
  async function codeSentTo(phone: string): Promise<string> {
    const messages = await app.server.connection
      .collection('dev_inbox')
      .find({ channel: 'sms', recipient: masked(phone) })
      .sort({ createdAt: -1 })
      .toArray();
    const code = messages.map((m) => /验证码(\d{6})/.exec(String(m.text))?.[1]).find(Boolean);
    if (!code) throw new Error(`no code SMS to ${masked(phone)} in the dev inbox (${messages.length} SMS)`);
    return code;
  }

  const confirmations = (id: string) => `/api/v1/applications/${id}/phone-confirmations`;
  const sendButton = (page: Page) => current(page).locator('.phone-confirm taro-button-core', { hasText: '发送验证码' });
  const confirmButton = (page: Page) => current(page).locator('.phone-confirm taro-button-core', { hasText: '确认' });

  test('when the parent asks for the code, types the one the SMS carried and taps 确认, then the app says so and the BFF counts the phone as confirmed', async () => {
    const { page, token, id, phone, card } = await submittedWithPhone();
    expect(await axeViolations(page)).toEqual([]);

    await sendButton(page).click();
    await card.getByText(`验证码已发送到 ${masked(phone)}`).waitFor();
    expect(await card.getByRole('heading', { level: 2 }).innerText()).toBe(`接收短信提醒：验证手机号 ${masked(phone)}`);
    // The resend countdown, as text, instead of the send button.
    await card.getByText(/^\d{1,2} 秒后可重新发送$/).waitFor();
    expect(await sendButton(page).count()).toBe(0);

    // One code SMS went out, to this phone.
    const code = await codeSentTo(phone);
    const input = card.getByLabel('短信验证码');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    // 确认 waits for six digits; pasted with a space, only the digits get in.
    expect(await confirmButton(page).getAttribute('class')).toContain('disabled');
    await input.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(await input.inputValue()).toBe(code);
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'phone-confirm-code.png');

    // Elder mode: the digits grow with the rest of the page.
    const digitSize = () => input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await digitSize();
    await current(page).getByRole('switch').click();
    await current(page).locator('.app-page.elder-mode').waitFor();
    expect(await digitSize()).toBeGreaterThan(before);
    await screenshotWholePage(page, 'phone-confirm-code-elder.png');
    expect(await axeViolations(page)).toEqual([]);

    await confirmButton(page).click();
    const done = current(page).locator('.phone-confirm-done');
    await done.getByText('已验证，办理进度将通过短信通知您').waitFor();
    expect(await done.innerText()).toContain(masked(phone));
    expect(await axeViolations(page)).toEqual([]);

    // The BFF agrees: asking again sends nothing and answers confirmed.
    const again = await api(app.server.url, 'POST', confirmations(id), { token });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { sentTo: masked(phone), confirmed: true } });

    // This device remembers: back on 办理进度 the card is gone.
    await page.goto(`${app.server.url}/#/pages/progress/index?id=${id}`);
    await page.reload();
    await current(page).getByText('总体进度').waitFor();
    expect(await current(page).locator('.phone-confirm').count()).toBe(0);
    await page.close();
  });

  test('when the parent types a wrong code, then the BFF’s message shows under the input and the phone stays unconfirmed', async () => {
    const { page, token, id, phone, card } = await submittedWithPhone();
    await sendButton(page).click();
    await card.getByText(`验证码已发送到 ${masked(phone)}`).waitFor();
    const code = await codeSentTo(phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const input = card.getByLabel('短信验证码');
    await input.fill(wrong);
    await confirmButton(page).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe('验证码不正确，还可以再试 4 次。');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.getAttribute('aria-describedby')).toContain((await alert.getAttribute('id')) ?? 'no id');
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'phone-confirm-wrong-code.png');

    // Not confirmed: asking again sends a fresh code (201).
    const again = await api(app.server.url, 'POST', confirmations(id), { token });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ sentTo: masked(phone), confirmed: false });

    // The right (newest) code still works from the same screen.
    await input.fill(await codeSentTo(phone));
    await confirmButton(page).click();
    await current(page).getByText('已验证，办理进度将通过短信通知您').waitFor();
    await page.close();
  });

  test('when the phone has had its SMS for the hour, then 发送验证码 shows the BFF’s message and the button stays', async () => {
    const { page, token, id, card } = await submittedWithPhone();
    // Use up the phone's SMS caps through the API (each answer a fresh code) until the BFF refuses.
    let refused: { status: number; headers: Headers; body: { detail: string } } | undefined;
    for (let n = 0; n < 20 && !refused; n++) {
      const res = await api(app.server.url, 'POST', confirmations(id), { token });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(201);
    }
    expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused?.body.detail).toMatch(/^该手机号接收的短信已达上限/);

    await sendButton(page).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(refused?.body.detail);
    expect(await sendButton(page).isVisible()).toBe(true);
    expect(await card.getByLabel('短信验证码').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  test('when the application carries the phone verified at login, then the page asks the BFF, shows no card and no code SMS is sent', async () => {
    const { page: first, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    await first.close();
    const verified = devIdentity(devCode).phone!;
    const token = await loginParent(app.server.url, devCode);
    const input = validApplication();
    input.mother.phone = verified;
    input.father.phone = verified;
    const { id } = await submittedApplication(app.server.url, input, token);

    const page = await app.browser.context.newPage();
    const status = page.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/applications/${id}/phone-confirmations`) && r.request().method() === 'GET',
    );
    await page.goto(`${app.server.url}/#/pages/progress/index?id=${id}&submitted=1`);
    expect(await (await status).json()).toEqual({ sentTo: masked(verified), confirmed: true });
    await current(page).getByText('申请已提交成功').waitFor();
    // The card asked on mounting and goes once the answer is in.
    await current(page).locator('.phone-confirm').waitFor({ state: 'detached' });
    const codes = await app.server.connection
      .collection('dev_inbox')
      .countDocuments({ channel: 'sms', recipient: masked(verified), text: /验证码/ });
    expect(codes).toBe(0);
    await page.close();
  });
});
