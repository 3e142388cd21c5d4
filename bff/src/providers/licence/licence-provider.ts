/** A resident's electronic ID licence (电子身份证照) as the shared licence library (共享规范化电子证照库) holds it. */
export interface IdLicence {
  /** The library's identifier of this licence (证照标识); departments fetch the licence itself with it. */
  licenceCode: string;
  holderName: string;
  idNumber: string;
  /** Issuing authority (签发机关). */
  issuer: string;
  /** Last day of validity, YYYY-MM-DD, or '长期'. */
  validUntil: string;
}

/**
 * Looks a person's electronic ID licence up in the shared licence library. Returns null when the library
 * has none for that person (a business answer); throws ProviderError when the library cannot be asked.
 * Never logs the name or the ID number.
 */
export interface LicenceProvider {
  readonly name: 'dev' | 'irs';
  findIdLicence(holder: { name: string; idNumber: string }): Promise<IdLicence | null>;
}
