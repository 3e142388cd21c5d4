// The dev stand-in for the shared licence library: everyone with a valid ID number has a licence, except
// the demo "nobody" whose sequence digits are 999 (to try the no-licence path by hand and in tests).
import { createHash } from 'node:crypto';
import { isValidIdNumber } from '@birth/shared';
import type { LicenceProvider } from './licence-provider';

export function createDevLicence(): LicenceProvider {
  return {
    name: 'dev',
    async findIdLicence({ name, idNumber }) {
      if (!isValidIdNumber(idNumber) || idNumber.slice(14, 17) === '999') return null;
      const digest = createHash('sha256').update(idNumber).digest('hex').slice(0, 16).toUpperCase();
      return {
        licenceCode: `DEV-ZJ-SFZ-${digest}`,
        holderName: name,
        idNumber,
        issuer: '杭州市公安局上城分局（演示数据）',
        validUntil: '2036-07-08',
      };
    },
  };
}
