import { createHmac } from 'node:crypto';
import { irsHeaders, irsQueryStream, irsSigningString } from '../../../bff/src/providers/signing/irs-hmac';

describe('IRS gateway HMAC signing', () => {
  it('when signing a POST without query, then the signing string has the documented five lines and the signature is base64 HMAC-SHA256', () => {
    const now = new Date('2021-11-09T08:49:20Z');
    const headers = irsHeaders(
      'post',
      'https://ibcdsg.zj.gov.cn:8443/restapi/prod/IC33000020220329000007/uc/sso/access_token',
      'ak',
      'sk',
      now,
    );
    const signingString = 'POST\n/restapi/prod/IC33000020220329000007/uc/sso/access_token\n\nak\nTue, 09 Nov 2021 08:49:20 GMT\n';
    expect(
      irsSigningString(
        'POST',
        '/restapi/prod/IC33000020220329000007/uc/sso/access_token',
        '',
        'ak',
        'Tue, 09 Nov 2021 08:49:20 GMT',
      ),
    ).toBe(signingString);
    expect(headers).toEqual({
      'X-BG-HMAC-ACCESS-KEY': 'ak',
      'X-BG-HMAC-ALGORITHM': 'hmac-sha256',
      'X-BG-DATE-TIME': 'Tue, 09 Nov 2021 08:49:20 GMT',
      'X-BG-HMAC-SIGNATURE': createHmac('sha256', 'sk').update(signingString).digest('base64'),
    });
  });

  it('when the URL has a query, then QUERY_STREAM lists it sorted by key', () => {
    expect(irsQueryStream(new URLSearchParams('v=123&test=123&a=x y'))).toBe('a=x%20y&test=123&v=123');
  });
});
