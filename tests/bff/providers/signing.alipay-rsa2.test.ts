import { createVerify, generateKeyPairSync } from 'node:crypto';
import {
  alipaySign,
  alipaySignContent,
  alipayTimestamp,
  loadPrivateKey,
  loadPublicKey,
  rawJsonMember,
} from '../../../bff/src/providers/signing/alipay-rsa2';

describe('Alipay RSA2 signing', () => {
  it('when building the string to sign, then parameters are sorted, unencoded, and sign and empty values are left out', () => {
    expect(
      alipaySignContent({
        method: 'alipay.system.oauth.token',
        app_id: '2014072300007148',
        sign: 'xxx',
        sign_type: 'RSA2',
        app_auth_token: '',
        timestamp: '2014-07-24 03:07:50',
        code: '4b203fe6c11548bcabd8da5bb087a83b',
      }),
    ).toBe(
      'app_id=2014072300007148&code=4b203fe6c11548bcabd8da5bb087a83b&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2014-07-24 03:07:50',
    );
  });

  it("when a key is given as bare base64 (as Alipay's tool prints it), then it signs and verifies like the PEM", () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bare = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const privPkcs1 = bare(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    const privPkcs8 = bare(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const pub = bare(publicKey.export({ type: 'spki', format: 'pem' }) as string);
    for (const priv of [privPkcs1, privPkcs8]) {
      const sign = alipaySign({ a: '1' }, loadPrivateKey(priv));
      expect(createVerify('RSA-SHA256').update('a=1').verify(loadPublicKey(pub), sign, 'base64')).toBe(true);
    }
  });

  it('when extracting the signed node, then the exact raw text is returned, escapes and nested braces kept', () => {
    const node = '{"code":"10000","msg":"Success","text":"a \\"}\\" b","list":[{"x":"}"}],"n":1}';
    const body = `{"alipay_x_response":${node},"sign":"abc=="}`;
    expect(rawJsonMember(body, 'alipay_x_response')).toBe(node);
    expect(rawJsonMember(body, 'sign')).toBe('"abc=="');
    expect(rawJsonMember(body, 'error_response')).toBeUndefined();
    expect(rawJsonMember(' { "sign" : "s" , "error_response" : {"code":"40002"} } ', 'error_response')).toBe('{"code":"40002"}');
  });

  it('when formatting the timestamp, then it is Beijing time in yyyy-MM-dd HH:mm:ss', () => {
    expect(alipayTimestamp(new Date('2024-05-13T09:49:20Z'))).toBe('2024-05-13 17:49:20');
  });
});
