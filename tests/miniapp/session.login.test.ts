// The app's session: one login per start, the per-device dev code, 浙里办 tickets spent once, and a 401
// answered by exactly one refresh (shared by concurrent calls) or, when that fails, a new login.
const storage = new Map<string, unknown>();
const request = jest.fn();
const login = jest.fn();

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    request: (options: unknown) => request(options),
    login: () => login(),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => storage.set(key, value),
    removeStorageSync: (key: string) => storage.delete(key),
  },
}));

(globalThis as { API_BASE?: string }).API_BASE = 'https://bff.example.test';

type Sent = { url: string; method: string; data?: any; header: Record<string, string> };
type Answer = { statusCode: number; data: string; header: Record<string, string> };

/** A fake BFF: issues numbered tokens, accepts only the newest access token, rotates refresh tokens once. */
function fakeBff() {
  let serial = 0;
  const valid = new Set<string>();
  const refreshable = new Set<string>();
  const logins: { platform: string; code: string }[] = [];
  const refreshes: string[] = [];
  const json = (statusCode: number, body: unknown): Answer => ({ statusCode, data: JSON.stringify(body), header: {} });
  const issue = () => {
    serial += 1;
    const tokens = { accessToken: `access-${serial}`, refreshToken: `refresh-${serial}`, expiresIn: 900 };
    valid.add(tokens.accessToken);
    refreshable.add(tokens.refreshToken);
    return tokens;
  };
  const handle = async (sent: Sent): Promise<Answer> => {
    const path = sent.url.replace('https://bff.example.test/api/v1', '');
    if (path === '/auth/login') {
      logins.push(sent.data);
      if (sent.data.platform === 'zheliban' && sent.data.code === 'spent')
        return json(401, { code: 'UNAUTHENTICATED', detail: '登录凭证已失效，请关闭后重新进入' });
      return json(200, issue());
    }
    if (path === '/auth/refresh') {
      refreshes.push(sent.data.refreshToken);
      if (!refreshable.delete(sent.data.refreshToken))
        return json(401, { code: 'UNAUTHENTICATED', detail: '登录已过期，请重新登录' });
      return json(200, issue());
    }
    const token = (sent.header.Authorization ?? '').replace('Bearer ', '');
    if (!valid.has(token)) return json(401, { code: 'UNAUTHENTICATED', detail: '登录已过期，请重新登录' });
    return json(200, { applications: [], token });
  };
  return {
    logins,
    refreshes,
    /** Makes every access token issued so far stop working (as after expiry). */
    expireAll: () => valid.clear(),
    /** Makes every refresh token issued so far unusable (revoked session). */
    revokeAll: () => refreshable.clear(),
    handle,
  };
}

type Modules = {
  http: typeof import('../../miniapp/src/services/http');
  session: typeof import('../../miniapp/src/services/session');
};

function loadApp(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    modules = {
      http: require('../../miniapp/src/services/http'),
      session: require('../../miniapp/src/services/session'),
    };
  });
  return modules as Modules;
}

let bff: ReturnType<typeof fakeBff>;

beforeEach(() => {
  storage.clear();
  request.mockReset();
  login.mockReset();
  bff = fakeBff();
  request.mockImplementation((sent: Sent) => bff.handle(sent));
  delete process.env.TARO_ENV;
  delete (globalThis as { window?: unknown }).window;
});

const applications = (http: Modules['http']) => http.request<{ token: string }>({ path: '/applications' });

describe('starting the app on H5', () => {
  test('When the app starts twice on the same phone, then both logins are dev logins with the same stored random code', async () => {
    let app = loadApp();
    await app.session.startSession();
    const code = storage.get(app.session.DEV_CODE_KEY);
    expect(code).toMatch(/^device-[0-9a-f]{32}$/);
    app = loadApp();
    await app.session.startSession();
    expect(bff.logins).toEqual([
      { platform: 'dev', code },
      { platform: 'dev', code },
    ]);
  });

  test('When pages call the API before and after the start finished, then there is still one login and every call carries its token', async () => {
    const app = loadApp();
    const [a, b] = await Promise.all([applications(app.http), applications(app.http), app.session.startSession()]);
    expect(bff.logins).toHaveLength(1);
    expect(a.data.token).toBe('access-1');
    expect(b.data.token).toBe('access-1');
  });

  test('When a 浙里办 ticket is in the address, then it logs in with it once; a reload with the same ticket keeps the stored session', async () => {
    (globalThis as any).window = { location: { search: '?ticket=ST-123&other=1', hash: '#/pages/index/index' } };
    let app = loadApp();
    await app.session.startSession();
    expect(bff.logins).toEqual([{ platform: 'zheliban', code: 'ST-123' }]);
    app = loadApp();
    await app.session.startSession();
    const res = await applications(app.http);
    expect(bff.logins).toHaveLength(1);
    expect(res.data.token).toBe('access-1');
  });

  test('When the login fails and no session is stored, then the call fails with the BFF message and the next call tries again', async () => {
    (globalThis as any).window = { location: { search: '?ticket=spent', hash: '' } };
    const app = loadApp();
    await expect(applications(app.http)).rejects.toMatchObject({ status: 401, message: '登录凭证已失效，请关闭后重新进入' });
    await expect(applications(app.http)).rejects.toMatchObject({ status: 401 });
    expect(bff.logins).toHaveLength(2);
  });
});

describe('a token that stops working', () => {
  test('When several calls get 401 at once, then one refresh serves them all and each call is sent again', async () => {
    const app = loadApp();
    await app.session.startSession();
    bff.expireAll();
    const results = await Promise.all([applications(app.http), applications(app.http), applications(app.http)]);
    expect(bff.refreshes).toEqual(['refresh-1']);
    expect(results.map((r) => r.data.token)).toEqual(['access-2', 'access-2', 'access-2']);
    expect(app.http.getRefreshToken()).toBe('refresh-2');
  });

  test('When a late 401 for the old token arrives after another call already renewed, then the new token is kept and not refreshed again', async () => {
    const app = loadApp();
    await app.session.startSession();
    bff.expireAll();
    let releaseLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (releaseLate = resolve));
    let oldTokenCalls = 0;
    request.mockImplementation(async (sent: Sent) => {
      const answer = await bff.handle(sent);
      // The first call sent with the old token gets its 401 only after the second call has renewed.
      if (sent.url.endsWith('/applications') && sent.header.Authorization === 'Bearer access-1' && ++oldTokenCalls === 1) {
        await late;
      }
      return answer;
    });
    const slow = applications(app.http);
    const fast = await applications(app.http);
    expect(fast.data.token).toBe('access-2');
    releaseLate();
    expect((await slow).data.token).toBe('access-2');
    expect(bff.refreshes).toEqual(['refresh-1']);
    expect(app.http.getAccessToken()).toBe('access-2');
  });

  test('When the refresh token is refused too, then the app logs in again (same dev code) and the call succeeds', async () => {
    const app = loadApp();
    await app.session.startSession();
    bff.expireAll();
    bff.revokeAll();
    const res = await applications(app.http);
    expect(bff.refreshes).toEqual(['refresh-1']);
    expect(bff.logins).toHaveLength(2);
    expect(bff.logins[1]).toEqual(bff.logins[0]);
    expect(res.data.token).toBe('access-2');
  });

  test('When the stored token is past its expiry, then it is refreshed before the call leaves (no 401 round trip)', async () => {
    const app = loadApp();
    await app.session.startSession();
    storage.set('birth.auth.accessExpiresAt', Date.now() - 1000);
    const res = await applications(app.http);
    expect(bff.refreshes).toEqual(['refresh-1']);
    expect(res.data.token).toBe('access-2');
    expect(request.mock.calls.filter(([sent]) => sent.url.endsWith('/applications'))).toHaveLength(1);
  });

  test('When the refresh gets no answer, then the stored session is kept for the next try', async () => {
    const app = loadApp();
    await app.session.startSession();
    bff.expireAll();
    request.mockImplementation((sent: Sent) =>
      sent.url.endsWith('/auth/refresh') ? Promise.reject(new TypeError('Failed to fetch')) : bff.handle(sent),
    );
    await expect(applications(app.http)).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(app.http.getRefreshToken()).toBe('refresh-1');
    expect(bff.logins).toHaveLength(1);
  });
});

describe('mini programs', () => {
  test('When running as a WeChat mini program, then the code of Taro.login() goes to the BFF as a wechat login', async () => {
    process.env.TARO_ENV = 'weapp';
    login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
    const app = loadApp();
    await app.session.startSession();
    expect(bff.logins).toEqual([{ platform: 'wechat', code: 'wx-code-1' }]);
    expect(storage.has(app.session.DEV_CODE_KEY)).toBe(false);
  });

  test('When Alipay refuses to give an auth code, then the parent gets a Chinese message, not a crash', async () => {
    process.env.TARO_ENV = 'alipay';
    login.mockRejectedValue({ error: 11, errorMessage: 'user cancel' });
    const app = loadApp();
    await expect(app.session.startSession()).rejects.toMatchObject({
      code: 'LOGIN_FAILED',
      message: '登录没有成功，请关闭后重新进入',
    });
    expect(bff.logins).toHaveLength(0);
  });
});
