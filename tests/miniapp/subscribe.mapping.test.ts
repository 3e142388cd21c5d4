// What the parent answered to a subscribe-message prompt, as the platforms report it, mapped to the body
// of POST /api/v1/subscriptions: { platform, results: [{ templateId, result: accept | reject | ban }] }.
const requestSubscribeMessage = jest.fn();
jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: { requestSubscribeMessage: (options: unknown) => requestSubscribeMessage(options) },
}));

import { alipaySubscription, askSubscriptions, wechatSubscription } from '../../miniapp/src/services/subscribe';

const PROGRESS = 'tmpl-progress-0001';
const PICKUP = 'tmpl-pickup-0002';
const RATING = 'tmpl-rating-0003';
const ALL = [PROGRESS, PICKUP, RATING];

describe('wechatSubscription', () => {
  test('when the parent answers each template, then each answer is recorded under its template id', () => {
    const body = wechatSubscription(ALL, {
      errMsg: 'requestSubscribeMessage:ok',
      [PROGRESS]: 'accept',
      [PICKUP]: 'reject',
      [RATING]: 'ban',
    });
    expect(body).toEqual({
      platform: 'wechat',
      results: [
        { templateId: PROGRESS, result: 'accept' },
        { templateId: PICKUP, result: 'reject' },
        { templateId: RATING, result: 'ban' },
      ],
    });
  });

  test('when WeChat filtered a template (duplicate title), then it is left out: the parent never saw it', () => {
    const body = wechatSubscription(ALL, {
      errMsg: 'requestSubscribeMessage:ok',
      [PROGRESS]: 'accept',
      [PICKUP]: 'filter',
      [RATING]: 'accept',
    });
    expect(body?.results.map((r) => r.templateId)).toEqual([PROGRESS, RATING]);
  });

  test('when every template was filtered, or the answer names none of ours, then there is nothing to record', () => {
    expect(wechatSubscription(ALL, { errMsg: 'requestSubscribeMessage:ok', [PROGRESS]: 'filter' })).toBeUndefined();
    expect(wechatSubscription(ALL, { errMsg: 'requestSubscribeMessage:ok', other: 'accept' })).toBeUndefined();
  });

  test('when the parent has switched subscribe messages off (20004), then every template is a reject', () => {
    const body = wechatSubscription(ALL, { errMsg: 'requestSubscribeMessage:fail 用户关闭了主开关', errCode: 20004 });
    expect(body).toEqual({ platform: 'wechat', results: ALL.map((templateId) => ({ templateId, result: 'reject' })) });
  });

  test('when the prompt failed for another reason (no UI in the background, network), then nothing is recorded', () => {
    expect(
      wechatSubscription(ALL, {
        errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.',
        errCode: 10005,
      }),
    ).toBeUndefined();
    expect(wechatSubscription(ALL, { errMsg: 'requestSubscribeMessage:fail', errCode: 10002 })).toBeUndefined();
    expect(wechatSubscription(ALL, undefined)).toBeUndefined();
  });
});

describe('alipaySubscription', () => {
  test('when the parent subscribes to some, then those subscribed now or before are accept and the rest reject', () => {
    const body = alipaySubscription(ALL, {
      behavior: 'subscribe',
      keep: false,
      refuse: false,
      result: { subscribeEntityIds: [PROGRESS], subscribedEntityIds: [PICKUP], unsubscribedEntityIds: [RATING] },
    });
    expect(body).toEqual({
      platform: 'alipay',
      results: [
        { templateId: PROGRESS, result: 'accept' },
        { templateId: PICKUP, result: 'accept' },
        { templateId: RATING, result: 'reject' },
      ],
    });
  });

  test('when the parent cancels or refuses, then every template is a reject', () => {
    for (const answer of [
      { behavior: 'cancel', result: { subscribeEntityIds: [], unsubscribedEntityIds: ALL } },
      { behavior: 'subscribe', refuse: true, result: { subscribeEntityIds: [PROGRESS] } },
    ]) {
      expect(alipaySubscription(ALL, answer)?.results.map((r) => r.result)).toEqual(['reject', 'reject', 'reject']);
    }
  });

  test('when the call failed (an error code and no behaviour), then nothing is recorded', () => {
    expect(alipaySubscription(ALL, { error: 11, errorMessage: '用户取消' })).toBeUndefined();
    expect(alipaySubscription(ALL, { errMsg: 'requestSubscribeMessage:fail unsupported' })).toBeUndefined();
  });
});

describe('askSubscriptions on WeChat', () => {
  beforeEach(() => requestSubscribeMessage.mockReset());

  test('when asked with more than 3 templates, then the prompt gets the first 3 and the answer is mapped', async () => {
    requestSubscribeMessage.mockImplementation((options: { tmplIds: string[]; success: (r: unknown) => void }) => {
      options.success({
        errMsg: 'requestSubscribeMessage:ok',
        ...Object.fromEntries(options.tmplIds.map((id) => [id, 'accept'])),
      });
      return Promise.resolve();
    });
    const body = await askSubscriptions('wechat', [...ALL, 'tmpl-extra-0004']);
    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(ALL);
    expect(body?.results).toEqual(ALL.map((templateId) => ({ templateId, result: 'accept' })));
  });

  test('when the prompt fails (its promise rejects), then the answer is "nothing to record", not an exception', async () => {
    requestSubscribeMessage.mockImplementation((options: { fail: (r: unknown) => void }) => {
      const failure = { errMsg: 'requestSubscribeMessage:fail', errCode: 10002 };
      options.fail(failure);
      return Promise.reject(failure);
    });
    await expect(askSubscriptions('wechat', ALL)).resolves.toBeUndefined();
  });

  test('when no template is configured, then the platform is not asked', async () => {
    await expect(askSubscriptions('wechat', [])).resolves.toBeUndefined();
    expect(requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
