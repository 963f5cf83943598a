/** The certificate authority's refusals and outages as the API's typed errors. */
import { ApiError } from '../errors/api-error';
import { EnrolmentRefused, EnrolmentUnavailable } from '../identity/enrolment-authority';
import { EnrolmentIdTaken } from '../identity/identities';

export async function atCa<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof EnrolmentIdTaken) throw new ApiError(409, 'ALREADY_EXISTS', err.message, undefined, { cause: err });
    if (err instanceof EnrolmentUnavailable) {
      throw new ApiError(503, 'CA_UNAVAILABLE', 'the certificate authority is not answering; try again shortly', undefined, { cause: err });
    }
    if (!(err instanceof EnrolmentRefused)) throw err;
    switch (err.reason) {
      case 'authentication':
        throw new ApiError(401, 'ENROLMENT_REFUSED', 'unknown participant id, wrong secret, or the secret was used already', undefined, { cause: err });
      case 'invalid-csr':
        throw new ApiError(422, 'INVALID_CSR', err.message, undefined, { cause: err });
      case 'already-registered':
        throw new ApiError(409, 'ALREADY_EXISTS', err.message, undefined, { cause: err });
      case 'forbidden':
        // The registrar lacks a permission the operator should have granted: not the caller's fault.
        throw new ApiError(502, 'CA_REFUSED', `the certificate authority refused the gateway's registrar: ${err.message}`, undefined, { cause: err });
    }
  }
}
