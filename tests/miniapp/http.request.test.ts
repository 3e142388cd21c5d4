// The app's one HTTP module, with a stand-in for Taro: what leaves (URL, headers) and how every kind of
// answer (2xx, problem+json, Alipay's rejected HTTP errors, no network) comes back to a page.
const storage = new Map<string, unknown>();
const request = jest.fn();

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    request: (options: unknown) => request(options),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => storage.set(key, value),
    removeStorageSync: (key: string) => storage.delete(key),
  },
}));

(globalThis as { API_BASE?: string }).API_BASE = 'https://bff.example.test';

const http = require('../../miniapp/src/services/http') as typeof import('../../miniapp/src/services/http');
const { ApiError, apiUrl, getAccessToken, setTokens } = http;

function answer(statusCode: number, body: unknown, header: Record<string, string> = {}) {
  request.mockResolvedValueOnce({
    statusCode,
    data: typeof body === 'string' ? body : JSON.stringify(body),
    header,
  });
}

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof ApiError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeEach(() => {
  storage.clear();
  request.mockReset();
});

describe('apiUrl', () => {
  test('When given a path and a query, then it joins API_BASE, /api/v1 and the encoded query, skipping undefined', () => {
    expect(apiUrl('/dept/tasks', { status: '待 办', page: 2, none: undefined })).toBe(
      'https://bff.example.test/api/v1/dept/tasks?status=%E5%BE%85%20%E5%8A%9E&page=2',
    );
    expect(apiUrl('/guide')).toBe('https://bff.example.test/api/v1/guide');
  });
});

describe('request', () => {
  test('When the BFF answers 200 with JSON text, then the parsed body and status come back', async () => {
    answer(200, { title: '出生“一件事”联办' }, { ETag: 'W/"3"' });
    const res = await http.request<{ title: string }>({ path: '/guide', auth: false });
    expect(res.status).toBe(200);
    expect(res.data.title).toBe('出生“一件事”联办');
    expect(res.headers.ETag).toBe('W/"3"');
    const sent = request.mock.calls[0][0];
    expect(sent.url).toBe('https://bff.example.test/api/v1/guide');
    expect(sent.method).toBe('GET');
    expect(sent.header.Authorization).toBeUndefined();
  });

  test('When a token is stored and a body is sent, then it goes as JSON with the bearer token', async () => {
    setTokens({ accessToken: 'tok-1', refreshToken: 'ref-1' });
    answer(201, { id: 'a1' });
    await http.request({ method: 'POST', path: '/applications', body: { items: ['birth_certificate'] } });
    const sent = request.mock.calls[0][0];
    expect(sent.header.Authorization).toBe('Bearer tok-1');
    expect(sent.header['Content-Type']).toBe('application/json');
    expect(sent.data).toEqual({ items: ['birth_certificate'] });
  });

  test('When the BFF answers problem+json with detail and errors, then ApiError carries the Chinese detail, the code and every field', async () => {
    answer(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: '有2项信息需要修改',
      errors: [
        { path: 'mother.phone', message: '请填写母亲的手机号码。' },
        { path: 'newborn.name', message: '请填写新生儿姓名。' },
      ],
    });
    const error = await failure(http.request({ method: 'PATCH', path: '/applications/a1', body: {} }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('有2项信息需要修改');
    expect(error.errors).toEqual([
      { path: 'mother.phone', message: '请填写母亲的手机号码。' },
      { path: 'newborn.name', message: '请填写新生儿姓名。' },
    ]);
  });

  test('When a 503 comes without detail, then the message is chosen by status and Retry-After is read', async () => {
    answer(503, '', { 'retry-after': '7' });
    const error = await failure(http.request({ path: '/guide' }));
    expect(error.code).toBe('HTTP_503');
    expect(error.message).toBe('服务暂时繁忙，请稍后再试');
    expect(error.retryAfter).toBe(7);
  });

  test('When the answer is not JSON at all (a proxy error page), then a Chinese message by status still comes back', async () => {
    answer(502, '<html>Bad Gateway</html>');
    const error = await failure(http.request({ path: '/guide' }));
    expect(error.status).toBe(502);
    expect(error.message).toBe('服务出现问题，请稍后再试');
  });

  test('When the token is refused with 401, then the stored tokens are cleared', async () => {
    setTokens({ accessToken: 'old' });
    answer(401, { code: 'UNAUTHENTICATED', status: 401 });
    const error = await failure(http.request({ path: '/applications' }));
    expect(error.message).toBe('登录已过期，请重新登录');
    expect(getAccessToken()).toBeUndefined();
  });

  test('When Alipay rejects an HTTP error (error 19 with status and data), then it maps like any other answer', async () => {
    request.mockRejectedValueOnce({
      error: 19,
      errorMessage: 'http status error',
      status: 409,
      data: JSON.stringify({ code: 'CONFLICT', detail: '申请已在其他设备上修改，请刷新后再试' }),
      headers: {},
    });
    const error = await failure(http.request({ path: '/applications/a1' }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('申请已在其他设备上修改，请刷新后再试');
  });

  test('When no answer arrives, then ApiError says so in Chinese with status 0', async () => {
    request.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const error = await failure(http.request({ path: '/guide' }));
    expect(error.status).toBe(0);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe('网络连接失败，请检查网络后重试');
  });
});
