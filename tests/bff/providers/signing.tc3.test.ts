import { createHash } from 'node:crypto';
import { signTc3, tc3CanonicalRequest, tc3Date, tc3SignatureWithKey } from '../../../bff/src/providers/signing/tc3';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// The worked example of Tencent Cloud's "签名方法 v3" (DescribeInstances on CVM, 2019-02-25).
const PAYLOAD = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const TIMESTAMP = 1551113065;

describe('TC3-HMAC-SHA256 signer', () => {
  it('when signing the documented example (content-type;host), then hashes, signature and Authorization are the published ones', () => {
    const signed = signTc3({
      method: 'POST',
      signedHeaders: { 'Content-Type': 'application/json; charset=utf-8', Host: 'cvm.tencentcloudapi.com' },
      payload: PAYLOAD,
      service: 'cvm',
      timestamp: TIMESTAMP,
      secretId: 'AKID**********************0123456789EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    });
    expect(sha256(PAYLOAD)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(sha256(signed.canonicalRequest)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('when the action header is signed too (current document), then the canonical request and signature match the published derived-key example', () => {
    // The current edition masks the SecretKey but prints the derived SecretSigning key and the result.
    const { canonicalRequest } = tc3CanonicalRequest({
      method: 'POST',
      signedHeaders: {
        'content-type': 'application/json; charset=utf-8',
        host: 'cvm.tencentcloudapi.com',
        'x-tc-action': 'DescribeInstances',
      },
      payload: PAYLOAD,
    });
    expect(canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(sha256(canonicalRequest)).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    const stringToSign = `TC3-HMAC-SHA256\n${TIMESTAMP}\n2019-02-25/cvm/tc3_request\n${sha256(canonicalRequest)}`;
    const derived = Buffer.from('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af', 'hex');
    expect(tc3SignatureWithKey(derived, stringToSign)).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
  });

  it('when the timestamp falls after midnight in Beijing, then the credential date is still the UTC date', () => {
    expect(tc3Date(TIMESTAMP)).toBe('2019-02-25'); // 2019-02-26 00:44:25 in UTC+8
  });
});
