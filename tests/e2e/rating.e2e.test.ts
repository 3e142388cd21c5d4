// 好差评 in the browser, as a parent does it: the 办结 stage rated 非常不满意 with a tag and words, the
// department's call-back, rectification and feedback through the real BFF department API, the feedback
// notice, then the one 追评 — each step checked in what the BFF stores, on screen, and with axe.
import type { Page } from 'playwright-core';
import { h5AppUnderTest } from '../support/browser';
import { loginParent } from '../support/fixtures';
import { axeViolations, button, current, openAsNewDevice, screenshotWholePage, settled } from '../support/h5';
import { applicationFor, caseEvent, deptToken, drain, finishAllItems } from '../support/ratings';
import { api } from '../support/test-server';
import { submittedApplication } from '../support/fixtures';

jest.setTimeout(180_000);

const COMMENT = '出生医学证明寄得太慢，进度页也看不到运单号。';
const FEEDBACK = '您好，已与邮政约定证件当日寄出，并在进度页显示运单号。感谢您的监督！';

/** The card of one stage on the 服务评价 screen. */
const stageCard = (page: Page, stage: 'accepted' | 'completed') => current(page).locator(`#stage-${stage}`);

describe('好差评 in the app: the 办结 rating, the department feedback and the 追评', () => {
  const app = h5AppUnderTest();

  test('when a parent rates the finished application 非常不满意 and the hospital feeds back, then the parent sees the feedback and gives the one 追评', async () => {
    const { page, devCode } = await openAsNewDevice(app.browser.context, app.server.url);
    const token = await loginParent(app.server.url, devCode);
    const input = applicationFor(['birth_certificate']);
    const { id } = await submittedApplication(app.server.url, input, token);
    await finishAllItems(app.server.url, id, input);
    const ratingsOf = async () => (await api(app.server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token })).body;

    // From 办理进度 to the rating screen, the 办结 stage first.
    await page.goto(`${app.server.url}/#/pages/progress/index?id=${id}`);
    await current(page).locator('.completed-summary').waitFor();
    await button(page, '评价办结服务').click();
    await current(page).getByRole('heading', { level: 1, name: '服务评价' }).waitFor();
    const completed = stageCard(page, 'completed');
    await completed.getByText('您对办结服务满意吗').waitFor({ timeout: 20_000 });
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);

    // 非常不满意, one of that level's tags, a few words: the form says what happens next.
    await completed.getByRole('radio', { name: '非常不满意', exact: true }).click();
    await completed.getByRole('checkbox', { name: '办事效率低，超过承诺时限' }).click();
    await completed.locator('textarea').fill(COMMENT);
    await completed.getByText(/1个工作日内回访您/).waitFor();
    await screenshotWholePage(page, 'rate-completed-bad.png');
    await completed.locator('taro-button-core', { hasText: '提交评价' }).click();
    await completed.getByText('您的评价：非常不满意').waitFor({ timeout: 20_000 });
    await completed.getByText('部门正在处理，会在15天内反馈。').waitFor();
    expect(await completed.locator('taro-button-core', { hasText: '提交追评' }).count()).toBe(0);

    const rated = (await ratingsOf()).stages.find((s: { stage: string }) => s.stage === 'completed');
    expect(rated).toMatchObject({
      rated: true,
      canFollowUp: false,
      rating: { level: 'very_dissatisfied', bad: true, comment: COMMENT, tags: [{ code: 'slow' }] },
      cases: [expect.objectContaining({ departmentName: expect.stringContaining('助产机构') })],
    });

    // The hospital works its case through the department API: call back, rectify, feed back.
    const hospital = await deptToken(app.server.url, 'hospital');
    const cases = await api(app.server.url, 'GET', '/api/v1/dept/ratings/cases', { token: hospital });
    expect(cases.status).toBe(200);
    const mine = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.rating.id);
    expect(mine).toMatchObject({ status: 'awaiting_callback', rating: { comment: COMMENT } });
    const caseId = mine.caseId as string;
    const events = [
      { eventId: `cb-${caseId}`, type: 'call_back', reached: true, note: '已电话回访，家长反映寄送慢。' },
      { eventId: `rf-${caseId}`, type: 'rectify', measures: '与邮政约定出生医学证明当日寄出，进度页显示运单号。' },
      { eventId: `fb-${caseId}`, type: 'feedback', message: FEEDBACK },
    ];
    for (const event of events) {
      const res = await caseEvent(app.server.url, 'hospital', caseId, event);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    }
    await drain(app.server);

    // The parent is told (我的消息), and the rating screen shows the feedback and the 追评 form.
    await page.goto(`${app.server.url}/#/pages/notices/index`);
    await current(page).getByRole('heading', { level: 2, name: '助产机构已反馈对您评价的整改情况' }).waitFor({ timeout: 20_000 });
    await page.goto(`${app.server.url}/#/form/rate/index?id=${id}&stage=completed`);
    await current(page).getByRole('heading', { level: 1, name: '服务评价' }).waitFor();
    const after = stageCard(page, 'completed');
    await after.getByText(`整改反馈：${FEEDBACK}`).waitFor({ timeout: 20_000 });
    await after.getByText('处理之后，您现在的评价').waitFor();
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'rate-feedback-followup.png');

    // The 追评: 满意 with a tag; the screen then shows it, and no further form.
    await after.getByRole('radio', { name: '满意', exact: true }).click();
    const tag = after.getByRole('checkbox').first();
    const tagLabel = (await tag.innerText()).trim();
    await tag.click();
    await after.locator('taro-button-core', { hasText: '提交追评' }).click();
    await after.getByText('您的追评：满意').waitFor({ timeout: 20_000 });
    await after.getByText(tagLabel).waitFor();
    expect(await after.locator('taro-button-core', { hasText: '提交追评' }).count()).toBe(0);
    await current(page).getByText('谢谢您的评价！').waitFor();
    await screenshotWholePage(page, 'rate-followup-given.png');
    expect(await axeViolations(page)).toEqual([]);

    // What the BFF holds: one 追评 of the 办结 stage, and the hospital's case closed.
    const final = (await ratingsOf()).stages.find((s: { stage: string }) => s.stage === 'completed');
    expect(final).toMatchObject({ canFollowUp: false, followUp: { kind: 'follow_up', level: 'satisfied' } });
    expect(final.followUp.tags).toEqual([expect.objectContaining({ label: tagLabel })]);
    const closed = await api(app.server.url, 'GET', `/api/v1/dept/ratings/cases/${caseId}`, { token: hospital });
    expect(closed.body.status).toBe('closed');

    // Elder mode on the same screen: larger text, still no axe violation.
    await current(page).getByRole('switch').click();
    await current(page).locator('.app-page.elder-mode').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshotWholePage(page, 'rate-followup-given-elder.png');
    await current(page).getByRole('switch').click();
    await page.close();
  });
});
