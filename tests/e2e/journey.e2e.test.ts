import { randomUUID } from 'node:crypto';
import { cardPhotoJpeg } from '../support/photos/generate';
import { createNotifier, createOutboxRelay } from '../../bff/src/components/notifications';
import { createDevPush, createDevSms } from '../../bff/src/providers/dev';
import { h5AppUnderTest, artifact } from '../support/browser';
import { departmentToken, idNumber, loginParent, submittedApplication, validApplication } from '../support/fixtures';
import {
  axeViolations,
  button,
  current,
  fill,
  fillNewborn,
  next,
  openAsNewDevice,
  registerWithMotherAndMailToNingbo,
  screenshotWholePage,
  settled,
  startApplication,
} from '../support/h5';
import { api } from '../support/test-server';

jest.setTimeout(180_000);

/** A phone-sized photo of a (synthetic) ID card on a table, 3000×2000 with sensor noise: well over 600 KB. */
const phonePhoto = (options: { blur?: number } = {}) =>
  cardPhotoJpeg({ width: 3000, height: 2000, noise: 14, quality: 95, ...options });

describe('the parent app beyond the first submit', () => {
  const app = h5AppUnderTest();

  const relayOnce = () =>
    createOutboxRelay({
      connection: app.server.connection,
      applications: app.server.components.applicationsRepo,
      deliver: createNotifier({
        connection: app.server.connection,
        crypto: app.server.components.crypto,
        push: createDevPush({ connection: app.server.connection }),
        sms: createDevSms({ connection: app.server.connection }),
      }),
      workerId: `relay-${randomUUID()}`,
    }).runOnce();

  test('when the draft was changed on another device, then saving reloads it and says so instead of overwriting; the draft resumes with numbers on file; a delivery can switch from mail to pickup; elder mode has ≥ 18 px text', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const token = await loginParent(app.server.url, devCode);

    await startApplication(page);
    await fillNewborn(page, { name: '陈一一', sex: '男', day: '今天', time: '00:05', hospital: 'nb-women-children' });
    await fill(page, '母亲姓名', '周敏');
    await fill(page, '母亲身份证号码', idNumber('19940101', 'female'));
    await fill(page, '母亲手机号码', '13700001111');
    await next(page, '父亲信息');

    // The other parent's phone renames the baby meanwhile.
    const list = await api(app.server.url, 'GET', '/api/v1/applications', { token });
    const id = list.body.applications[0].id as string;
    const fresh = await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token });
    const other = await api(app.server.url, 'PATCH', `/api/v1/applications/${id}`, {
      token,
      headers: { 'if-match': `"v${fresh.body.version}"` },
      body: { newborn: { name: '陈一诺' } },
    });
    expect(other.status).toBe(200);

    await fill(page, '父亲姓名', '陈立');
    await fill(page, '父亲身份证号码', idNumber('19920202', 'male'));
    await fill(page, '父亲手机号码', '13700002222');
    await button(page, '下一步').click();
    await current(page).getByText('刚在另一台设备上改过').waitFor({ timeout: 20_000 });
    await current(page).getByRole('heading', { level: 1, name: '父亲信息' }).waitFor();
    await screenshotWholePage(page, 'apply-stale-draft.png');
    const kept = await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(kept.body.data.newborn.name).toBe('陈一诺');
    expect(kept.body.data.father.name).toBeUndefined();

    // Fill again on the reloaded draft and go on.
    await fill(page, '父亲姓名', '陈立');
    await fill(page, '父亲身份证号码', idNumber('19920202', 'male'));
    await fill(page, '父亲手机号码', '13700002222');
    await next(page, '落户和结婚信息');

    // Elder mode on a form screen: body text of 18 px or more.
    await current(page).getByRole('switch').click();
    await current(page).locator('.app-page.elder-mode').waitFor();
    const sizes = await current(page).evaluate((root) =>
      ['.field-label', '.choice-label', '.field-hint'].map((s) =>
        parseFloat(getComputedStyle(root.querySelector(s) as Element).fontSize),
      ),
    );
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(18);
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'apply-household-elder.png');
    await current(page).getByRole('switch').click();
    await current(page).locator('.app-page:not(.elder-mode)').first().waitFor();

    await registerWithMotherAndMailToNingbo(page);
    // The mother's phone is on file (masked) since the reload, so it cannot be copied: typed here.
    await fill(page, '收件人手机号码', '13700001111');
    await fill(page, '详细地址', '中山西路1号');
    await next(page, '身份证照片');

    // Resume on "another device": a fresh page opens the draft from 我的申请.
    const second = await app.browser.context.newPage();
    await second.goto(`${app.server.url}/#/pages/applications/index`);
    const card = second.locator('.app-card', { hasText: '陈一诺' });
    await card.waitFor();
    expect(await card.innerText()).toContain('继续填写');
    await settled(second);
    await card.click();
    // It opens where the parent left off: the consents, the first screen still lacking something.
    await current(second).getByRole('heading', { level: 1, name: '授权同意' }).waitFor();
    for (const title of ['身份证照片', '证件怎么拿', '选择事项', '落户和结婚信息', '父亲信息', '母亲信息']) {
      await button(second, '上一步').click();
      await current(second).getByRole('heading', { level: 1, name: title }).waitFor();
    }
    expect(
      await current(second)
        .getByText(/已填写：\d{6}\*+\d{3}[\dX]/)
        .count(),
    ).toBe(1);
    expect(await current(second).getByText('已填写：137****1111').count()).toBe(1);
    await button(second, '上一步').click();
    await current(second).getByRole('heading', { level: 1, name: '宝宝信息' }).waitFor();
    expect(await current(second).getByLabel('宝宝姓名').inputValue()).toBe('陈一诺');
    await next(second, '母亲信息');
    for (const title of ['父亲信息', '落户和结婚信息', '选择事项', '证件怎么拿']) await next(second, title);
    // Mail → pickup on a saved draft: the mail fields go, the pickup point stays.
    await current(second)
      .getByRole('radio', { name: /到窗口自取/ })
      .click();
    await current(second).getByLabel('领取地点').selectOption({ index: 1 });
    await next(second, '身份证照片');
    const switched = await api(app.server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(switched.body.data.delivery.birth_certificate).toEqual({
      method: 'pickup',
      pickupPointId: expect.any(String),
    });
    await second.close();
    await page.close();
  });

  test('when a photo is chosen, then it is compressed on the phone, stored by the BFF, and a network failure offers 重试; a blurred photo shows the BFF message with 重拍', async () => {
    const { page } = await openAsNewDevice(app.browser.context, app.server.url);
    await startApplication(page);
    await fillNewborn(page, { name: '林小满', sex: '女', day: '前天', time: '12:00', hospital: 'hz-maternal-child' });
    // Straight to the photo step through the review's 修改 is not possible before the steps are done,
    // so walk on with valid data.
    await fill(page, '母亲姓名', '林芳');
    await fill(page, '母亲身份证号码', idNumber('19950505', 'female'));
    await fill(page, '母亲手机号码', '13600001111');
    await next(page, '父亲信息');
    await fill(page, '父亲姓名', '张伟');
    await fill(page, '父亲身份证号码', idNumber('19930303', 'male'));
    await fill(page, '父亲手机号码', '13600002222');
    await next(page, '落户和结婚信息');
    await current(page)
      .getByRole('radio', { name: /随父亲落户/ })
      .click();
    await fill(page, '户籍地址', '浙江省杭州市上城区解放路100号');
    await next(page, '选择事项');
    await next(page, '证件怎么拿');
    await current(page)
      .getByRole('radio', { name: /到窗口自取/ })
      .click();
    await current(page).getByLabel('领取地点').selectOption({ index: 1 });
    await next(page, '身份证照片');

    const photo = await phonePhoto();
    expect(photo.length).toBeGreaterThan(600 * 1024);
    const sent: number[] = [];
    let failOnce = true;
    await page.route('**/attachments', async (route) => {
      sent.push(route.request().postDataBuffer()?.length ?? 0);
      if (failOnce) {
        failOnce = false;
        await route.abort('internetdisconnected');
      } else {
        await route.continue();
      }
    });

    const frontCard = current(page).locator('#photo-mother_id_front');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      frontCard.locator('taro-button-core', { hasText: '拍照或从相册选择' }).click(),
    ]);
    await chooser.setFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await frontCard.locator('taro-button-core', { hasText: '重试' }).waitFor({ timeout: 30_000 });
    expect(await frontCard.innerText()).toContain('网络');
    await frontCard.locator('taro-button-core', { hasText: '重试' }).click();
    // The BFF stored it (quality checked, watermarked, encrypted).
    await frontCard.getByText(/✓ 已上传/).waitFor({ timeout: 60_000 });
    expect(sent).toHaveLength(2);
    // What left the phone is the compressed photo: multipart overhead aside, at most 600 KB.
    for (const bytes of sent) expect(bytes).toBeLessThan(600 * 1024 + 2048);
    // A blurred photo gets the BFF's own message on the card, with 重拍.
    const fatherCard = current(page).locator('#photo-father_id_front');
    const [blurChooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      fatherCard.locator('taro-button-core', { hasText: '拍照或从相册选择' }).click(),
    ]);
    await blurChooser.setFiles({ name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto({ blur: 8 }) });
    await fatherCard.getByText(/照片模糊/).waitFor({ timeout: 60_000 });
    await fatherCard.locator('taro-button-core', { hasText: '重拍' }).waitFor();
    await screenshotWholePage(page, 'apply-photos-uploaded.png');
    await page.close();
  });

  test('when departments act, then notices arrive in 我的消息 and lead to the application; the rating screen opens from progress', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const token = await loginParent(app.server.url, devCode);
    const input = validApplication();
    const { id } = await submittedApplication(app.server.url, input, token);
    const hospital = await departmentToken(app.server.url, 'hospital');
    const accept = await api(app.server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `${id}-bc-accept`, type: 'accept' },
    });
    expect(accept.status).toBe(200);
    await relayOnce();

    // The dev inbox (what SMS would have said) reads at phone width: no sideways scrolling.
    const inbox = await app.browser.context.newPage();
    await inbox.goto(`${app.server.url}/dev/inbox`);
    await inbox.getByText('已受理').first().waitFor();
    expect(await inbox.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await inbox.screenshot({ path: artifact('dev-inbox-phone.png'), fullPage: true });
    await inbox.close();

    await page.locator('taro-button-core', { hasText: '我的消息' }).click();
    await current(page).getByRole('heading', { level: 1, name: '我的消息' }).waitFor();
    await current(page).getByRole('heading', { level: 2, name: '“出生医学证明”已受理' }).waitFor();
    expect(await current(page).getByRole('heading', { level: 2, name: '出生“一件事”申请已提交' }).count()).toBe(1);
    await screenshotWholePage(page, 'notices.png');
    expect(await axeViolations(page)).toEqual([]);

    const notice = current(page).locator('.notice-card', { hasText: '已受理' });
    await notice.locator('taro-button-core', { hasText: '查看办理进度' }).click();
    await current(page).getByRole('heading', { level: 1, name: '办理进度' }).waitFor();
    expect(page.url()).toContain(id);
    await current(page).locator('taro-button-core', { hasText: '评价受理服务' }).click();
    await current(page).getByRole('heading', { level: 1, name: '服务评价' }).waitFor();
    await current(page)
      .getByText(/您对受理服务满意吗/)
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: artifact('rate.png') });
    expect(await axeViolations(page)).toEqual([]);
    // The parent rates: the level, then 提交评价; the BFF has the rating of the accepted stage.
    await current(page).getByRole('radio', { name: '满意', exact: true }).click();
    await current(page).locator('taro-button-core', { hasText: '提交评价' }).click();
    // Once stored, the screen shows the rating given instead of the form.
    await current(page).locator('taro-button-core', { hasText: '提交评价' }).waitFor({ state: 'detached', timeout: 20_000 });
    const stored = (await api(app.server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token })).body;
    expect(JSON.stringify(stored)).toContain('"satisfied"');
    await page.close();
  });

  test('when every item is done, then 办理进度 says 已全部办结, lists what arrived with the ID number masked, and a collected document reads 已领取', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const token = await loginParent(app.server.url, devCode);
    const input = validApplication();
    const { id } = await submittedApplication(app.server.url, input, token);
    const tokens = {
      hospital: await departmentToken(app.server.url, 'hospital'),
      police: await departmentToken(app.server.url, 'police'),
      medical_insurance: await departmentToken(app.server.url, 'medical_insurance'),
      social_security: await departmentToken(app.server.url, 'social_security'),
    };
    const act = async (dept: keyof typeof tokens, item: string, body: Record<string, unknown>) => {
      const res = await api(app.server.url, 'POST', `/api/v1/dept/tasks/${id}.${item}/events`, {
        token: tokens[dept],
        body: { eventId: `${id}-${item}-${String(body.type)}`, ...body },
      });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    };
    const chinaDay = new Date(Date.parse(input.newborn.birthDateTime) + 8 * 3600_000)
      .toISOString()
      .slice(0, 10)
      .replace(/-/g, '');
    const newbornId = idNumber(chinaDay, input.newborn.sex as 'male' | 'female');
    const steps: [keyof typeof tokens, string, Record<string, unknown>][] = [
      ['hospital', 'birth_certificate', { type: 'accept' }],
      ['hospital', 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'Q330012345' } }],
      ['police', 'hukou_registration', { type: 'accept' }],
      [
        'police',
        'hukou_registration',
        { type: 'complete', outputs: { newbornIdNumber: newbornId, hukouBookletNumber: 'HK0001' } },
      ],
      ['medical_insurance', 'medical_insurance', { type: 'accept' }],
      ['medical_insurance', 'medical_insurance', { type: 'complete', outputs: { insuranceNumber: 'YB3301000001' } }],
      ['social_security', 'social_security_card', { type: 'accept' }],
      ['social_security', 'social_security_card', { type: 'complete', outputs: { cardNumber: 'SSC0000000001' } }],
      ['hospital', 'vaccination_certificate', { type: 'accept' }],
      ['hospital', 'vaccination_certificate', { type: 'complete', outputs: { certificateNumber: 'V330012345' } }],
      ['hospital', 'vaccination_certificate', { type: 'ready_for_pickup', place: '杭州市民中心', hours: '工作日 9:00-17:00' }],
      ['hospital', 'vaccination_certificate', { type: 'deliver' }],
    ];
    for (const [dept, item, body] of steps) await act(dept, item, body);
    for (const [dept, item] of [
      ['hospital', 'birth_certificate'],
      ['police', 'hukou_registration'],
      ['social_security', 'social_security_card'],
    ] as const) {
      await act(dept, item, { type: 'ship', carrier: 'EMS', trackingNumber: `EMS-${item}` });
      await act(dept, item, { type: 'deliver' });
    }

    await page.goto(`${app.server.url}/#/pages/progress/index?id=${id}`);
    const summary = current(page).locator('.completed-summary');
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text).toContain('Q330012345');
    expect(text).toContain('SSC0000000001');
    expect(text).toContain(`${newbornId.slice(0, 6)}********${newbornId.slice(14)}`);
    expect(text).not.toContain(newbornId);
    expect(text).toContain('我的证照');
    expect(await current(page).locator('.summary').innerText()).not.toContain('已用');
    const vaccination = current(page).locator('.item-card', { hasText: '预防接种证' });
    expect(await vaccination.innerText()).toContain('已领取');
    expect(await vaccination.innerText()).not.toContain('已送达');
    await current(page).locator('taro-button-core', { hasText: '评价办结服务' }).waitFor();
    await screenshotWholePage(page, 'progress-completed.png');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
