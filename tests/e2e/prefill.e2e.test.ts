// Prefill from the verified identity, as a parent meets it: the login (dev here, 浙里办 in production)
// brings the name and phone masked; 我是母亲，一键填入 has the BFF write them into the draft, and
// 收件人填我本人 does the same for a mailed document. The clear phone never reaches the browser.
import { maskName, maskPhone } from '@birth/shared';
import { openData } from '../../bff/src/components/applications/application.data';
import { devIdentity } from '../../bff/src/components/auth';
import { h5AppUnderTest } from '../support/browser';
import { idNumber, loginParent } from '../support/fixtures';
import {
  axeViolations,
  current,
  fill,
  fillNewborn,
  next,
  openAsNewDevice,
  registerWithMotherAndMailToNingbo,
  screenshotWholePage,
  startApplication,
} from '../support/h5';
import { api } from '../support/test-server';

jest.setTimeout(180_000);

describe('prefill from the verified identity', () => {
  const app = h5AppUnderTest();

  test('when the login verified a name and phone, then 一键填入 fills the mother and the mail recipient without the phone ever reaching the page in clear', async () => {
    // Everything the BFF answers the page, to check that the clear phone is never among it.
    const answers: string[] = [];
    app.browser.context.on('response', (res) => {
      if (res.url().includes('/api/v1/'))
        void res.text().then(
          (t) => answers.push(t),
          () => undefined,
        );
    });
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const person = devIdentity(devCode);
    const token = await loginParent(app.server.url, devCode);

    await startApplication(page);
    await fillNewborn(page, { name: '沈安安', sex: '女', day: '今天', time: '00:10', hospital: 'nb-women-children' });

    // The offer shows the identity masked, exactly as the login answered it.
    const offer = current(page).locator('.identity-fill');
    await offer.getByText(`测试账号的实名信息：${maskName(person.name)} · ${maskPhone(person.phone)}`).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'prefill-mother-offer.png');
    await offer.locator('taro-button-core', { hasText: '我是母亲，一键填入' }).click();
    await current(page).getByText('已用您的实名信息填好姓名和手机号').waitFor({ timeout: 20_000 });
    expect(await current(page).getByLabel('母亲姓名', { exact: true }).inputValue()).toBe(person.name);
    await current(page)
      .getByText(`已填写：${maskPhone(person.phone)}`)
      .waitFor();
    await offer.getByText('已用实名信息填入').waitFor();
    await screenshotWholePage(page, 'prefill-mother-filled.png');

    // Typed: only the ID number. The phone on file counts as given.
    await fill(page, '母亲身份证号码', idNumber('19930404', 'female'));
    await next(page, '父亲信息');
    await fill(page, '父亲姓名', '沈立');
    await fill(page, '父亲身份证号码', idNumber('19910101', 'male'));
    await fill(page, '父亲手机号码', '13700003333');
    await next(page, '落户和结婚信息');
    await registerWithMotherAndMailToNingbo(page);
    await fill(page, '详细地址', '中山西路1号');
    await current(page).locator('taro-button-core', { hasText: '收件人填我本人' }).click();
    await current(page).getByText('已用您的实名信息填好姓名和手机号').waitFor({ timeout: 20_000 });
    expect(await current(page).getByLabel('收件人', { exact: true }).inputValue()).toBe(person.name);
    expect(
      await current(page)
        .getByText(`已填写：${maskPhone(person.phone)}`)
        .count(),
    ).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'prefill-delivery-filled.png');
    await next(page, '身份证照片');

    // What the BFF holds: the identity in the mother's place and as every mailed document's recipient.
    const list = await api(app.server.url, 'GET', '/api/v1/applications', { token });
    const id = list.body.applications[0].id as string;
    const stored = await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(stored.body.data.mother).toMatchObject({ name: person.name, phone: maskPhone(person.phone) });
    for (const delivery of Object.values(stored.body.data.delivery) as Record<string, unknown>[]) {
      expect(delivery).toMatchObject({
        method: 'mail',
        recipient: person.name,
        phone: maskPhone(person.phone),
        regionCode: '330203',
      });
    }
    // The real number is on file, sealed at rest (opened here with the server's own key), and never came to the page.
    const doc = await app.server.components.applicationsRepo.findById(id);
    expect(JSON.stringify(doc)).not.toContain(person.phone);
    expect(openData(doc!.data, app.server.components.crypto)).toMatchObject({
      mother: { name: person.name, phone: person.phone },
      delivery: { birth_certificate: { recipient: person.name, phone: person.phone } },
    });
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.join('\n')).not.toContain(person.phone);
    await page.close();
  });
});
