/**
 * Fabric CA's REST API (v1), the two calls a registrar needs: `register` (token
 * authorisation: the registrar's certificate and its ECDSA signature over method,
 * URI, body and certificate, as fabric-ca-client makes it) and `enroll` (HTTP basic
 * authorisation with the enrolment id and secret; the CA signs our CSR). TLS is
 * verified against the CA server's TLS root from the connection file.
 *
 * Hand-written rather than the `fabric-ca-client` npm package: that package is part
 * of fabric-sdk-node, which Hyperledger has retired, and drags in fabric-common;
 * the two calls are a hundred lines over node:https.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { request } from 'node:https';
import { signers } from '@hyperledger/fabric-gateway';
import { EnrolmentRefused, EnrolmentUnavailable, type EnrolmentAuthority, type Registration } from './enrolment-authority';

export interface FabricCaEndpoint {
  /** e.g. https://127.0.0.1:17054 */
  url: string;
  caName: string;
  /** PEM the CA server's TLS certificate chains to. */
  tlsCACert: string;
  /** The CA's signing certificate (PEM): the root the issued identities chain to. */
  caCertificate: string;
  timeoutMs?: number;
}

/** The registrar identity the gateway registers with (its own enrolment, not a CA key). */
export interface Registrar {
  certificate: string;
  privateKey: string;
}

interface CaResponse<T> {
  success: boolean;
  result?: T;
  errors?: { code: number; message: string }[];
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');

/** Fabric CA error codes (lib/caerrors/servererror.go) that are the caller's, not the CA's, fault. */
const REFUSALS: Record<number, EnrolmentRefused['reason']> = {
  20: 'authentication', // ErrAuthenticationFailure: unknown id, wrong secret, no enrolments left
  24: 'authentication', // ErrInvalidPass
  42: 'forbidden', // ErrRegAttrAuth: the registrar may not register that attribute
  71: 'forbidden', // ErrAuthorizationFailure
  74: 'already-registered', // ErrDupIdentityReg
  76: 'forbidden', // ErrRegistrarRegAuth
  77: 'invalid-csr', // ErrCNInvalidEnroll: the CSR's CN is not the enrolment id
};

export class FabricCaClient implements EnrolmentAuthority {
  readonly kind = 'fabric-ca' as const;
  readonly caCertificate: string;
  private registrar: Registrar | undefined;

  constructor(private readonly endpoint: FabricCaEndpoint) {
    this.caCertificate = endpoint.caCertificate;
  }

  /** Sets the identity `register` is authorised with (enrolled through `enroll` first). */
  useRegistrar(registrar: Registrar): void {
    this.registrar = registrar;
  }

  async register(r: Registration): Promise<void> {
    if (!this.registrar) throw new Error('FabricCaClient.register: no registrar identity set');
    const body = JSON.stringify({
      id: r.enrollmentId,
      type: 'client',
      secret: r.secret,
      max_enrollments: r.maxEnrollments,
      affiliation: '',
      ...(r.attributes ? { attrs: Object.entries(r.attributes).map(([name, value]) => ({ name, value, ecert: true })) } : {}),
      caname: this.endpoint.caName,
    });
    await this.post('/api/v1/register', body, await this.token('POST', '/api/v1/register', body, this.registrar));
  }

  async enroll(enrollmentId: string, secret: string, csr: string): Promise<string> {
    const body = JSON.stringify({ certificate_request: csr, caname: this.endpoint.caName });
    const auth = `Basic ${b64(`${enrollmentId}:${secret}`)}`;
    const result = await this.post<{ Cert: string }>('/api/v1/enroll', body, auth);
    if (typeof result?.Cert !== 'string') throw new EnrolmentUnavailable('Fabric CA enroll answered without a certificate');
    return Buffer.from(result.Cert, 'base64').toString('utf8');
  }

  /** `<b64 cert>.<b64 ECDSA signature over SHA-256(method.b64(uri).b64(body).b64(cert))>` (util.GenECDSAToken). */
  private async token(method: string, uri: string, body: string, who: Registrar): Promise<string> {
    const cert = b64(who.certificate);
    const payload = `${method}.${b64(uri)}.${b64(body)}.${cert}`;
    // fabric-gateway's signer: ECDSA over the digest, low-S (Fabric CA's BCCSP refuses high-S signatures).
    const sign = signers.newPrivateKeySigner(createPrivateKey(who.privateKey));
    const signature = await sign(createHash('sha256').update(payload).digest());
    return `${cert}.${b64(Buffer.from(signature))}`;
  }

  private post<T>(uri: string, body: string, authorization: string): Promise<T | undefined> {
    const url = new URL(uri, this.endpoint.url);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ca: this.endpoint.tlsCACert,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
          timeout: this.endpoint.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new EnrolmentUnavailable(`Fabric CA ${uri}: ${err.message}`, { cause: err })));
          res.on('end', () => {
            let parsed: CaResponse<T>;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CaResponse<T>;
            } catch {
              reject(new EnrolmentUnavailable(`Fabric CA ${uri} answered HTTP ${res.statusCode} without JSON`));
              return;
            }
            if (parsed.success) {
              resolve(parsed.result);
              return;
            }
            const first = parsed.errors?.[0];
            const reason = first ? REFUSALS[first.code] : undefined;
            const message = first ? `Fabric CA ${uri}: ${first.message} (code ${first.code})` : `Fabric CA ${uri}: HTTP ${res.statusCode}`;
            if (reason) reject(new EnrolmentRefused(reason, message));
            else if (res.statusCode === 401) reject(new EnrolmentRefused('authentication', message));
            else reject(new EnrolmentUnavailable(message));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.endpoint.timeoutMs ?? 10_000} ms`)));
      req.on('error', (err) => reject(new EnrolmentUnavailable(`Fabric CA ${url.origin} unreachable: ${err.message}`, { cause: err })));
      req.end(body);
    });
  }
}
