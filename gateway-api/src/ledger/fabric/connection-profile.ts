/**
 * Reads the connection file the network writes (network/.run/connection.json,
 * schema `ecch-network/v1`, documented in network/README.md) and keeps what the
 * gateway needs: the gateway peer, the channel and chaincode, the Community CA the
 * gateway issues identities from, and the attribute it writes into the NA's certificate
 * (the chaincode's roles, chaincode/src/ledger/roles.ts, accept only ecch.role=na).
 * Relative paths are taken relative to the file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../config';

const NonEmpty = Type.String({ minLength: 1 });

/** The part of `ecch-network/v1` the gateway reads; other fields are ignored. */
const NetworkFile = Type.Object({
  channel: NonEmpty,
  chaincode: Type.Object({ name: NonEmpty }),
  naAttribute: Type.Optional(Type.Object({ name: NonEmpty, value: NonEmpty })),
  gateway: Type.Object({
    mspId: NonEmpty,
    endpoint: NonEmpty,
    hostnameOverride: Type.Optional(NonEmpty),
    tlsCACertPath: NonEmpty,
  }),
  orgs: Type.Record(Type.String(), Type.Object({ ca: Type.Optional(Type.Object({ certPath: NonEmpty, keyPath: NonEmpty })) })),
});

export interface ConnectionProfile {
  mspId: string;
  channel: string;
  chaincode: string;
  peer: { endpoint: string; hostAlias?: string; tlsCACert: string };
  ca: { certificate: string; privateKey: string };
  naAttribute: { name: string; value: string };
}

function invalid(file: string, what: string): ConfigError {
  return new ConfigError(`invalid configuration: FABRIC_CONNECTION ${file}: ${what}`);
}

export async function readConnectionProfile(file: string): Promise<ConnectionProfile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw invalid(file, `cannot be read as JSON (${(err as Error).message}); is the network up?`);
  }
  if (!Value.Check(NetworkFile, raw)) {
    const first = [...Value.Errors(NetworkFile, raw)][0];
    throw invalid(file, `${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const ca = raw.orgs[raw.gateway.mspId]?.ca;
  if (!ca) throw invalid(file, `/orgs/${raw.gateway.mspId}/ca is missing (the gateway issues identities from its org's CA)`);
  const abs = (p: string) => path.resolve(path.dirname(file), p);
  const profile: ConnectionProfile = {
    mspId: raw.gateway.mspId,
    channel: raw.channel,
    chaincode: raw.chaincode.name,
    peer: { endpoint: raw.gateway.endpoint, tlsCACert: abs(raw.gateway.tlsCACertPath) },
    ca: { certificate: abs(ca.certPath), privateKey: abs(ca.keyPath) },
    naAttribute: raw.naAttribute ?? { name: 'ecch.role', value: 'na' },
  };
  if (raw.gateway.hostnameOverride) profile.peer.hostAlias = raw.gateway.hostnameOverride;
  return profile;
}
