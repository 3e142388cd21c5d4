import type { Config } from '../../../../config';
import { createDevLicence } from './dev.licence';
import { createIrsLicence } from './irs.licence';
import type { LicenceProvider } from './licence-provider';

export type { IdLicence, LicenceProvider } from './licence-provider';
export { createDevLicence } from './dev.licence';
export { createIrsLicence, LICENCE_QUERY_PATH, type IrsLicenceConfig } from './irs.licence';

/** The licence library LICENCE_PROVIDER asks for: the dev stand-in (not in production), the IRS one, or none. */
export function licenceProviderFromConfig(config: Config): LicenceProvider | null {
  if (config.LICENCE_PROVIDER === 'irs')
    return createIrsLicence({
      baseUrl: config.LICENCE_GATEWAY!,
      accessKey: config.LICENCE_ACCESS_KEY!,
      secretKey: config.LICENCE_SECRET_KEY!,
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    });
  if (config.LICENCE_PROVIDER === 'dev' && config.NODE_ENV !== 'production') return createDevLicence();
  return null;
}
