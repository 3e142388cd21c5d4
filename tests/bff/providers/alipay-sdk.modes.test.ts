// The official alipay-sdk (v4) behind our gateway, against the local fake that verifies every request
// signature: in public-key mode and in public-key-certificate mode (certificates made with openssl at
// test time, the fake checking app_cert_sn and alipay_root_cert_sn and verifying with the app certificate).
import { createAlipayPush } from '../../../bff/src/providers/push/alipay.push';
import { createAlipayIdentity } from '../../../bff/src/providers/identity/alipay.identity';
import { alipayCertSn, alipayTestCerts, alipayTestKeys, startAlipayFake, type AlipayFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const APP_ID = '2021000122671080';
const certs = alipayTestCerts();
const keys = alipayTestKeys();
let fake: AlipayFake;
afterEach(() => fake.close());

const message = {
  toUser: '2088102150477652',
  templateId: 'ac768fca1ce245ccae9404bb5243c49b',
  page: 'pages/application/detail?id=app-1',
  data: { keyword1: '出生医学证明', keyword2: '已办结' },
  idempotencyKey: 'k-1',
};

describe('alipay-sdk in public-key-certificate mode', () => {
  beforeEach(async () => {
    fake = await startAlipayFake({
      appId: APP_ID,
      alipayPrivateKeyPem: certs.alipayPrivateKeyPem,
      certs: { appCertPem: certs.appCertPem, rootCertPem: certs.rootCertPem, alipayCertPem: certs.alipayCertPem },
    });
  });
  const config = () => ({
    baseUrl: fake.url,
    appId: APP_ID,
    privateKeyPem: certs.appPrivateKeyPem,
    certificates: {
      appCertContent: certs.appCertPem,
      alipayPublicCertContent: certs.alipayCertPem,
      alipayRootCertContent: certs.rootCertPem,
    },
    timeoutMs: 3000,
  });

  it('when certificates are configured, then the request names them by SN, is signed, and the signed answer verifies', async () => {
    await expect(createAlipayPush(config()).send(message)).resolves.toEqual({});
    const [req] = fake.requests;
    expect(req!.query.app_cert_sn).toBe(alipayCertSn(certs.appCertPem));
    expect(req!.query.alipay_root_cert_sn).toBe(alipayCertSn(certs.rootCertPem));
    expect(fake.sent).toHaveLength(1);
  });

  it('when a login code is exchanged in certificate mode, then the user id comes back', async () => {
    const code = fake.issueCode({ userId: '2088102150477652' });
    await expect(createAlipayIdentity(config()).exchange(code)).resolves.toEqual({ subject: '2088102150477652' });
  });

  it('when the certificates are given as file paths, then they work like their contents', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'alipay-cert-paths-'));
    try {
      const file = (name: string, text: string) => {
        writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      const push = createAlipayPush({
        baseUrl: fake.url,
        appId: APP_ID,
        privateKeyPem: certs.appPrivateKeyPem,
        certificates: {
          appCertPath: file('appCertPublicKey.crt', certs.appCertPem),
          alipayPublicCertPath: file('alipayCertPublicKey_RSA2.crt', certs.alipayCertPem),
          alipayRootCertPath: file('alipayRootCert.crt', certs.rootCertPem),
        },
        timeoutMs: 3000,
      });
      await expect(push.send(message)).resolves.toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the answer is signed by a key other than the Alipay certificate, then it is refused', async () => {
    fake.setNextResponseTampered('wrong-key');
    await expectProviderError(createAlipayPush(config()).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'RESPONSE_SIGNATURE_INVALID',
    });
  });

  it('when the app signs with a key that is not its certificate, then the gateway refuses the signature', async () => {
    await expectProviderError(createAlipayPush({ ...config(), privateKeyPem: keys.appPrivateKeyPem }).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: '40002:isv.invalid-signature',
    });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('alipay-sdk in public-key mode', () => {
  beforeEach(async () => {
    fake = await startAlipayFake({
      appId: APP_ID,
      appPublicKeyPem: keys.appPublicKeyPem,
      alipayPrivateKeyPem: keys.alipayPrivateKeyPem,
    });
  });

  it('when keys are configured, then no certificate SN is sent and the message goes out', async () => {
    const push = createAlipayPush({
      baseUrl: fake.url,
      appId: APP_ID,
      privateKeyPem: keys.appPrivateKeyPem,
      alipayPublicKeyPem: keys.alipayPublicKeyPem,
      timeoutMs: 3000,
    });
    await expect(push.send(message)).resolves.toEqual({});
    expect(fake.requests[0]!.query.app_cert_sn).toBeUndefined();
    // The timestamp is Beijing time whatever the server's zone.
    const sent = Date.parse(`${fake.requests[0]!.query.timestamp!.replace(' ', 'T')}+08:00`);
    expect(Math.abs(sent - Date.now())).toBeLessThan(10 * 60_000);
  });
});
