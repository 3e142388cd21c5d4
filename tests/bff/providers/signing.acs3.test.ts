import { acs3CanonicalQuery, acs3PercentEncode, sha256Hex, signAcs3 } from '../../../bff/src/providers/signing/acs3';

// The fixed-parameter example of Alibaba Cloud's "V3版本请求体&签名机制" (RunInstances on ECS).
const OFFICIAL = {
  request: {
    method: 'POST',
    canonicalUri: '/',
    query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
    headers: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-version': '2014-05-26',
    },
    body: '',
    accessKeyId: 'YourAccessKeyId',
    accessKeySecret: 'YourAccessKeySecret',
  },
  hashedCanonicalRequest: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
  signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
  authorization:
    'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
};

describe('ACS3-HMAC-SHA256 signer', () => {
  it('when signing the documented example request, then the canonical request hash, signature and Authorization are the published ones', () => {
    const signed = signAcs3(OFFICIAL.request);
    expect(sha256Hex(signed.canonicalRequest)).toBe(OFFICIAL.hashedCanonicalRequest);
    expect(signed.stringToSign).toBe(`ACS3-HMAC-SHA256\n${OFFICIAL.hashedCanonicalRequest}`);
    expect(signed.signature).toBe(OFFICIAL.signature);
    expect(signed.authorization).toBe(OFFICIAL.authorization);
  });

  it('when headers arrive in another order and case, then the signature is unchanged', () => {
    const shuffled = Object.fromEntries(
      Object.entries(OFFICIAL.request.headers)
        .reverse()
        .map(([k, v]) => [k.toUpperCase(), ` ${v} `]),
    );
    expect(signAcs3({ ...OFFICIAL.request, headers: shuffled }).signature).toBe(OFFICIAL.signature);
  });

  it('when a header is neither host, content-type nor x-acs-*, then it is not signed', () => {
    const signed = signAcs3({ ...OFFICIAL.request, headers: { ...OFFICIAL.request.headers, accept: 'application/json' } });
    expect(signed.signature).toBe(OFFICIAL.signature);
  });

  it('when values carry reserved characters, then they are RFC 3986 encoded as the document requires', () => {
    expect(acs3PercentEncode('a b*c~d')).toBe('a%20b%2Ac~d');
    expect(acs3PercentEncode("!'()")).toBe('%21%27%28%29');
    expect(acs3PercentEncode('签名')).toBe('%E7%AD%BE%E5%90%8D');
    expect(acs3CanonicalQuery({ b: '{"code":"1"}', a: '' })).toBe('a=&b=%7B%22code%22%3A%221%22%7D');
  });
});
