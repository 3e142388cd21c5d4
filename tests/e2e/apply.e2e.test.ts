import { h5AppUnderTest } from '../support/browser';
import { idNumber, loginParent } from '../support/fixtures';
import {
  axeViolations,
  button,
  current,
  fill,
  next,
  openAsNewDevice,
  screenshotWholePage,
  startApplication,
} from '../support/h5';
import { api } from '../support/test-server';

jest.setTimeout(180_000);

const MOTHER_ID = idNumber('19920315', 'female');
const FATHER_ID = idNumber('19900708', 'male');

describe('填写申请 in the H5 app', () => {
  const app = h5AppUnderTest();

  test('when a parent goes through every step and submits, then the application is in progress and 办理进度 opens; each screen passes axe', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const outside: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(app.server.url) && !req.url().startsWith('data:') && !req.url().startsWith('blob:'))
        outside.push(req.url());
    });
    const violations: Record<string, unknown[]> = {};
    const check = async (name: string) => {
      await screenshotWholePage(page, `apply-${name}.png`);
      const found = await axeViolations(page);
      if (found.length) violations[name] = found;
    };

    await startApplication(page);

    // 下一步 on an empty step: every missing field at once, in Chinese, next to its field.
    await button(page, '下一步').click();
    await current(page).getByText('请填写新生儿姓名。').waitFor();
    expect(await current(page).locator('.field-error').count()).toBeGreaterThanOrEqual(3);
    await check('newborn-errors');

    await fill(page, '宝宝姓名', '王小禾');
    await current(page).getByRole('radio', { name: '女' }).click();
    await current(page).getByRole('radio', { name: '昨天' }).click();
    await current(page).locator('input[type="time"]').fill('08:30');
    await current(page).getByLabel('出生医院').selectOption('hz-zju-womens');
    expect(await current(page).getByLabel('宝宝民族').inputValue()).toBe('汉族');
    await check('newborn');
    await next(page, '母亲信息');

    // An instant check when leaving a field.
    await fill(page, '母亲身份证号码', '330102199203150000');
    await fill(page, '母亲姓名', '李晓红');
    await current(page).locator('.field-error').first().waitFor();
    await fill(page, '母亲身份证号码', MOTHER_ID);
    await fill(page, '母亲手机号码', '138 1234 5678');
    await check('mother');
    await next(page, '父亲信息');

    await fill(page, '父亲姓名', '王建国');
    await fill(page, '父亲身份证号码', FATHER_ID);
    await fill(page, '父亲手机号码', '13998765432');
    await next(page, '落户和结婚信息');

    await current(page)
      .getByRole('radio', { name: /随父亲落户/ })
      .click();
    // Prefilled from what the parent already typed: the head of household and the relationship.
    expect(await current(page).getByLabel('户主姓名').inputValue()).toBe('王建国');
    expect(await current(page).getByRole('radio', { name: '女', exact: true }).getAttribute('aria-checked')).toBe('true');
    await fill(page, '户籍地址', '浙江省杭州市西湖区文三路100号3幢201室');
    await check('household');
    await next(page, '选择事项');

    const items = current(page).getByRole('checkbox');
    expect(await items.count()).toBe(5);
    for (let i = 0; i < 5; i++) expect(await items.nth(i).getAttribute('aria-checked')).toBe('true');
    await check('items');
    await next(page, '证件怎么拿');

    // One way for all four documents: mail, prefilled with the mother's name and phone.
    await current(page)
      .getByRole('radio', { name: /邮寄到家/ })
      .click();
    expect(await current(page).getByLabel('收件人', { exact: true }).inputValue()).toBe('李晓红');
    await current(page).getByLabel('市', { exact: true }).selectOption({ label: '杭州市' });
    await current(page).getByLabel('区县', { exact: true }).selectOption({ label: '西湖区' });
    await fill(page, '详细地址', '文三路100号3幢201室');
    await check('delivery');
    await next(page, '身份证照片');
    await check('photos');
    await next(page, '授权同意');

    // Nothing pre-ticked; 下一步 lists every consent still missing.
    const consents = current(page).getByRole('checkbox');
    expect(await consents.count()).toBe(5);
    for (let i = 0; i < 5; i++) expect(await consents.nth(i).getAttribute('aria-checked')).toBe('false');
    await button(page, '下一步').click();
    await current(page).getByText('请勾选承诺所填信息真实有效。').waitFor();
    for (let i = 0; i < 5; i++) await consents.nth(i).click();
    await check('consents');
    await next(page, '核对并提交');

    const review = await current(page).innerText();
    for (const words of [
      '王小禾',
      '李晓红',
      '王建国',
      '随父亲落户',
      '浙江省杭州市西湖区文三路100号3幢201室',
      '5 / 5 项',
      '杭州市西湖区',
    ]) {
      expect(review).toContain(words);
    }
    await check('review');

    // 修改 opens its step; 下一步 through the rest comes back to the review.
    await current(page).getByRole('button', { name: '修改父亲信息' }).click();
    await current(page).getByRole('heading', { level: 1, name: '父亲信息' }).waitFor();
    await fill(page, '父亲手机号码', '13998765433');
    for (const title of ['落户和结婚信息', '选择事项', '证件怎么拿', '身份证照片', '授权同意', '核对并提交'])
      await next(page, title);

    // A double tap on 提交 submits once.
    const submits: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/submit')) submits.push(req.url());
    });
    const submit = button(page, '提交申请');
    await submit.dblclick();
    await current(page).getByRole('heading', { level: 1, name: '办理进度' }).waitFor({ timeout: 30_000 });
    expect(submits).toHaveLength(1);
    await current(page).getByText('申请已提交').first().waitFor();
    await check('submitted-progress');

    // The BFF holds what was typed.
    const token = await loginParent(app.server.url, devCode);
    const list = await api(app.server.url, 'GET', '/api/v1/applications', { token });
    expect(list.body.applications).toHaveLength(1);
    const id = list.body.applications[0].id;
    const one = await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(one.body.status).toBe('in_progress');
    expect(one.body.data.father.phone).toBe('139****5433');
    expect(one.body.data.delivery.social_security_card).toMatchObject({ method: 'mail', regionCode: '330106' });
    expect(one.body.items).toHaveLength(5);

    expect(violations).toEqual({});
    expect(outside).toEqual([]);
    await page.close();
  });
});
