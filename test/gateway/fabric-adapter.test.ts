/**
 * The Fabric adapter's pure parts, without a network: the connection file the
 * network writes, the mapping of Fabric client errors to the port's errors, and
 * the retry of read conflicts only.
 */
// First: silences fabric-contract-api's import-time logging (the chaincode index loads the contracts).
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { readConnectionProfile } from '@ecch/gateway-api/ledger/fabric/connection-profile';
import { refusalIn, toLedgerError } from '@ecch/gateway-api/ledger/fabric/errors';
import { retryReadConflicts } from '@ecch/gateway-api/ledger/fabric/retry';
import { LedgerRefusal, LedgerUnavailable } from '@ecch/gateway-api/ledger/port';
import { removeDir, tempDataDir } from './support/gateway';

const grpcCause = Object.assign(new Error('grpc'), { code: 10, details: '', metadata: {} }) as never;

function endorseError(message: string): EndorseError {
  return new EndorseError({
    code: 10,
    details: [{ address: 'peer0.community:7051', mspId: 'CommunityMSP', message }],
    cause: grpcCause,
    transactionId: 'tx1',
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
  });
}

describe('connection file (ecch-network/v1)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDataDir();
  });
  afterAll(() => removeDir(dir));

  it('when the network wrote its file, then the gateway reads peer, channel, chaincode, its org\'s Fabric CA and enrolments, and no CA key', async () => {
    const file = path.join(dir, 'connection.json');
    await fs.writeFile(
      file,
      JSON.stringify({
        schema: 'ecch-network/v1',
        channel: 'ecch',
        chaincode: { name: 'ecch', version: '1.0', sequence: 1 },
        gateway: {
          peer: 'peer0.community',
          mspId: 'CommunityMSP',
          endpoint: '127.0.0.1:7051',
          hostnameOverride: 'peer0.community.ecch',
          tlsCACertPath: 'tls/ca.pem',
          registrar: { enrollmentId: 'ecch-gateway', secretPath: 'secrets/registrar' },
          na: { enrollmentId: 'ecch-na', secretPath: '/abs/na-secret' },
        },
        orgs: {
          CommunityMSP: {
            mspId: 'CommunityMSP',
            // keyPath is for the operator's tools; the gateway must not pick it up.
            ca: { certPath: '/abs/ca.pem', keyPath: 'ca/key.pem' },
            fabricCa: { url: 'https://127.0.0.1:17054', caName: 'ca-community', tlsCACertPath: 'ca/tls.pem' },
          },
          GridMSP: { mspId: 'GridMSP' },
        },
      }),
    );
    const profile = await readConnectionProfile(file);
    expect(profile).toEqual({
      mspId: 'CommunityMSP',
      channel: 'ecch',
      chaincode: 'ecch',
      peer: { endpoint: '127.0.0.1:7051', hostAlias: 'peer0.community.ecch', tlsCACert: path.join(dir, 'tls/ca.pem') },
      fabricCa: { url: 'https://127.0.0.1:17054', caName: 'ca-community', tlsCACert: path.join(dir, 'ca/tls.pem'), caCert: '/abs/ca.pem' },
      registrar: { enrollmentId: 'ecch-gateway', secretFile: path.join(dir, 'secrets/registrar') },
      na: { enrollmentId: 'ecch-na', secretFile: '/abs/na-secret' },
    });
    expect(JSON.stringify(profile)).not.toContain('key.pem');
  });

  it('when the gateway org has no Fabric CA, then the error says so', async () => {
    const file = path.join(dir, 'no-ca.json');
    const gateway = { mspId: 'CommunityMSP', endpoint: 'x:1', tlsCACertPath: 't', registrar: { enrollmentId: 'r', secretPath: 's' }, na: { enrollmentId: 'n', secretPath: 's' } };
    await fs.writeFile(file, JSON.stringify({ channel: 'ecch', chaincode: { name: 'ecch' }, gateway, orgs: { CommunityMSP: { ca: { certPath: 'c' } } } }));
    await expect(readConnectionProfile(file)).rejects.toThrow(/\/orgs\/CommunityMSP\/fabricCa is missing/);
  });

  it('when a required field is missing, then the error names FABRIC_CONNECTION and the field', async () => {
    const file = path.join(dir, 'broken.json');
    await fs.writeFile(file, JSON.stringify({ channel: 'ecch', chaincode: { name: 'ecch' }, orgs: {} }));
    await expect(readConnectionProfile(file)).rejects.toThrow(/FABRIC_CONNECTION .*broken\.json: \/gateway/);
  });
});

describe('Fabric errors → ledger port errors', () => {
  it('when a peer wraps the chaincode refusal, then it becomes a LedgerRefusal with the code and detail', () => {
    const err = toLedgerError(endorseError('chaincode response 500, MARKET_NOT_OPEN: market m1 is scheduled'));
    expect(err).toBeInstanceOf(LedgerRefusal);
    expect(err).toEqual(expect.objectContaining({ code: 'MARKET_NOT_OPEN', detail: 'market m1 is scheduled' }));
  });

  it('when the detail itself contains ", ", then only the chaincode prefix is removed', () => {
    expect(refusalIn('chaincode response 500, FORBIDDEN: not your order, ask its owner')).toEqual(
      expect.objectContaining({ code: 'FORBIDDEN', detail: 'not your order, ask its owner' }),
    );
  });

  it('when an evaluate fails with the refusal only in the message, then it is still found', () => {
    const err = new GatewayError({ code: 2, details: [], cause: grpcCause, message: 'chaincode response 500, NOT_FOUND: market x does not exist' });
    expect(toLedgerError(err)).toEqual(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('when the peer is unreachable or the text carries no known code, then LedgerUnavailable (503), not a guess', () => {
    const unreachable = new GatewayError({ code: 14, details: [], cause: grpcCause, message: '14 UNAVAILABLE: No connection established' });
    expect(toLedgerError(unreachable)).toBeInstanceOf(LedgerUnavailable);
    expect(toLedgerError(endorseError('chaincode response 500, something broke'))).toBeInstanceOf(LedgerUnavailable);
  });

  it('when a transaction fails validation, then LedgerUnavailable naming the validation code', () => {
    const err = toLedgerError(new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 'tx9' }));
    expect(err).toBeInstanceOf(LedgerUnavailable);
    expect(err.message).toContain('ENDORSEMENT_POLICY_FAILURE');
  });
});

describe('retry of read conflicts', () => {
  const conflict = () => new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' });

  it('when a submit loses an MVCC read conflict, then it is retried and succeeds', async () => {
    let calls = 0;
    const result = await retryReadConflicts(async () => {
      calls += 1;
      if (calls < 3) throw conflict();
      return 'ok';
    }, 3, 1);
    expect({ result, calls }).toEqual({ result: 'ok', calls: 3 });
  });

  it('when conflicts persist, then it stops after the bound and rethrows', async () => {
    let calls = 0;
    await expect(
      retryReadConflicts(async () => {
        calls += 1;
        throw conflict();
      }, 2, 1),
    ).rejects.toBeInstanceOf(CommitError);
    expect(calls).toBe(3);
  });

  it('when the failure is anything else (a refusal, a policy failure, a timeout), then it is not retried', async () => {
    for (const failure of [
      new LedgerRefusal('MARKET_NOT_OPEN', 'x'),
      new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 't' }),
      new Error('DEADLINE_EXCEEDED'),
    ]) {
      let calls = 0;
      await expect(
        retryReadConflicts(async () => {
          calls += 1;
          throw failure;
        }, 3, 1),
      ).rejects.toBe(failure);
      expect(calls).toBe(1);
    }
  });
});
