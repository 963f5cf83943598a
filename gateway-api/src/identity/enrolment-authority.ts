/**
 * The certificate authority the gateway enrols identities at, as a registrar: it may
 * register an enrolment id (with a secret and, for the NA only at the operator's
 * hand, attributes) and enrol a CSR under that id's secret. It never sees the CA's
 * signing key. Two implementations: Fabric CA over its REST API (fabric-ca-client.ts)
 * and, for the embedded ledger only, an in-process CA (in-process-ca.ts).
 */

export interface Registration {
  enrollmentId: string;
  secret: string;
  /** How often the secret may enrol: 1 for a self-custody household's one-time secret, -1 unlimited. */
  maxEnrollments: number;
  /**
   * Attributes written into the enrolment certificate (Fabric CA `name=value:ecert`).
   * The gateway registers households with none; an operator's tool may register
   * others (a registrar may grant only the attributes it holds itself).
   */
  attributes?: Record<string, string>;
}

/** Why the CA refused; the gateway maps each to a typed API error. */
export type RefusalReason =
  | 'already-registered' // the enrolment id exists at the CA
  | 'authentication' // unknown id, wrong secret, or no enrolments left on it
  | 'invalid-csr' // the CSR is malformed, badly signed, or its CN is not the enrolment id
  | 'forbidden'; // the registrar may not do this

export class EnrolmentRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'EnrolmentRefused';
  }
}

/** The CA could not be reached or failed (not a refusal). */
export class EnrolmentUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrolmentUnavailable';
  }
}

export interface EnrolmentAuthority {
  readonly kind: 'fabric-ca' | 'in-process';
  /** PEM of the CA certificate that issues the identities (the MSP's root of trust). */
  readonly caCertificate: string;
  /** Registers an enrolment id; an id the CA knows already is EnrolmentRefused('already-registered'). */
  register(registration: Registration): Promise<void>;
  /** Signs the CSR (PEM) for `enrollmentId` if `secret` is its secret; resolves with the certificate (PEM). */
  enroll(enrollmentId: string, secret: string, csr: string): Promise<string>;
}
