// Test-only certificates for Alipay's public-key-certificate mode, generated at test time with openssl
// (never committed): a root CA standing in for Alipay's root, the "Alipay public key" certificate and
// the app's certificate, both issued by that root. Each certificate's key pair is fresh per process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface AlipayTestCerts {
  rootCertPem: string;
  appCertPem: string;
  appPrivateKeyPem: string;
  alipayCertPem: string;
  alipayPrivateKeyPem: string;
}

let cached: AlipayTestCerts | undefined;

export function alipayTestCerts(): AlipayTestCerts {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'alipay-certs-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      f('root.key'),
      '-out',
      f('root.crt'),
      '-subj',
      '/C=CN/O=Test Alipay Root/OU=Test Certification Authority/CN=Test Alipay Root CA',
    );
    const issue = (name: string, subject: string, serial: string) => {
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        f(`${name}.csr`),
        '-CA',
        f('root.crt'),
        '-CAkey',
        f('root.key'),
        '-set_serial',
        serial,
        '-days',
        '2',
        '-sha256',
        '-out',
        f(`${name}.crt`),
      );
      // PKCS#8 whatever openssl's default.
      writeFileSync(f(`${name}.p8`), openssl('pkey', '-in', f(`${name}.key`)));
    };
    issue('app', '/C=CN/O=Test App/OU=Alipay/CN=2021000122671080', '0x2024010200000001');
    issue('alipay', '/C=CN/O=Test Alipay/OU=Alipay/CN=Alipay Public Key Test', '0x2024010200000002');
    cached = {
      rootCertPem: readFileSync(f('root.crt'), 'utf8'),
      appCertPem: readFileSync(f('app.crt'), 'utf8'),
      appPrivateKeyPem: readFileSync(f('app.p8'), 'utf8'),
      alipayCertPem: readFileSync(f('alipay.crt'), 'utf8'),
      alipayPrivateKeyPem: readFileSync(f('alipay.p8'), 'utf8'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
