/**
 * The embedded ledger's certificate authority, run inside the gateway: the one place
 * the gateway holds a CA signing key, and only for the embedded ledger (whose whole
 * MSP lives in this process anyway). It behaves as Fabric CA does towards a
 * registrar: ids registered with a secret (stored as a salted SHA-256, never in clear:
 * the secrets are 256-bit random strings, so a slow password hash would add nothing),
 * a maximum number of enrolments, a CSR whose common name must be the enrolment id.
 * On a Fabric network the organisation's Fabric CA plays this part (fabric-ca-client.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CsrError, readCsr } from './csr';
import { EnrolmentRefused, type EnrolmentAuthority, type Registration } from './enrolment-authority';
import { issueCertificate, type CertificateAuthority } from './issuer';
import { writeAtomic } from './wallet';

interface StoredRegistration {
  salt: string;
  secretHash: string;
  maxEnrollments: number;
  enrollments: number;
  attributes?: Record<string, string>;
}

/** A participant id, or a meter's enrolment id `<meterId>@meter` (identities.ts meterEnrollmentId). */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(@meter)?$/;

function hash(secret: string, salt: string): string {
  return createHash('sha256').update(Buffer.from(salt, 'hex')).update(secret, 'utf8').digest('hex');
}

export class InProcessCa implements EnrolmentAuthority {
  readonly kind = 'in-process' as const;
  readonly caCertificate: string;

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly dir: string,
  ) {
    this.caCertificate = ca.certificate;
  }

  /** `DATA_DIR/ca/registrations`, next to the CA's own files. */
  static async open(ca: CertificateAuthority, dataDir: string): Promise<InProcessCa> {
    const dir = path.join(dataDir, 'ca', 'registrations');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return new InProcessCa(ca, dir);
  }

  private file(enrollmentId: string): string {
    if (!ID.test(enrollmentId)) throw new EnrolmentRefused('authentication', `unknown enrolment id`);
    return path.join(this.dir, `${enrollmentId}.json`);
  }

  private async load(enrollmentId: string): Promise<StoredRegistration | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file(enrollmentId), 'utf8')) as StoredRegistration;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async register(r: Registration): Promise<void> {
    if (await this.load(r.enrollmentId)) throw new EnrolmentRefused('already-registered', `identity '${r.enrollmentId}' is already registered`);
    const salt = randomBytes(16).toString('hex');
    const stored: StoredRegistration = { salt, secretHash: hash(r.secret, salt), maxEnrollments: r.maxEnrollments, enrollments: 0 };
    if (r.attributes) stored.attributes = r.attributes;
    await writeAtomic(this.file(r.enrollmentId), JSON.stringify(stored));
  }

  async enroll(enrollmentId: string, secret: string, csr: string): Promise<string> {
    const stored = await this.load(enrollmentId);
    const expected = stored ? Buffer.from(stored.secretHash, 'hex') : Buffer.alloc(32);
    const given = Buffer.from(hash(secret, stored?.salt ?? '00'), 'hex');
    if (!stored || !timingSafeEqual(expected, given)) throw new EnrolmentRefused('authentication', 'unknown enrolment id or wrong secret');
    if (stored.maxEnrollments >= 0 && stored.enrollments >= stored.maxEnrollments) {
      throw new EnrolmentRefused('authentication', `the secret of '${enrollmentId}' has no enrolments left`);
    }
    const certificate = await this.sign(enrollmentId, csr, stored.attributes ?? {});
    // Counted before the certificate leaves: a crash here costs an enrolment, never grants an extra one.
    await writeAtomic(this.file(enrollmentId), JSON.stringify({ ...stored, enrollments: stored.enrollments + 1 }));
    return certificate;
  }

  /**
   * The operator's enrolment of an identity with attributes (the NA's `ecch.role=na`):
   * what a CA administrator does with `fabric-ca-client register --id.attrs` and
   * `enroll`; never exposed through the API.
   */
  issueOperatorIdentity(enrollmentId: string, csr: string, attrs: Record<string, string>): Promise<string> {
    return this.sign(enrollmentId, csr, attrs);
  }

  private async sign(enrollmentId: string, csr: string, attrs: Record<string, string>): Promise<string> {
    let facts;
    try {
      facts = await readCsr(csr);
    } catch (err) {
      if (err instanceof CsrError) throw new EnrolmentRefused('invalid-csr', err.message);
      throw err;
    }
    if (facts.commonName !== enrollmentId) throw new EnrolmentRefused('invalid-csr', 'the CSR subject common name must equal the enrolment id');
    return issueCertificate(this.ca, { commonName: enrollmentId, attrs }, facts.publicKey);
  }
}
