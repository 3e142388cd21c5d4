// The environment a benchmark's BFF runs with: production mode with fresh random secrets and one
// department and one operator account (production refuses to start without them), as a deployment's.
import { randomBytes } from 'node:crypto';

export function productionEnvironment(): Record<string, string> {
  const secret = () => randomBytes(32).toString('base64');
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: secret(),
    BLIND_INDEX_KEY: secret(),
    DEPT_CLIENTS: `police:bench-police:${randomBytes(16).toString('hex')}`,
    OPERATOR_CLIENTS: `bench-operator:${randomBytes(16).toString('hex')}`,
  };
}
