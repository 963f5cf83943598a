/**
 * Reads the connection file the network writes (network/.run/connection.json,
 * schema `ecch-network/v1`, documented in network/README.md) and keeps what the
 * gateway needs: the gateway peer and the other peers of its org (the Gateway peers
 * it fails over to, endpoints.ts), the channel and chaincode, its organisation's
 * Fabric CA (URL, CA name, TLS root, and the CA certificate the identities chain to;
 * never a CA key), and the enrolment ids and secret files of its registrar and of
 * the NA (registered by the operator: network/README.md "Fabric CA").
 * Relative paths are taken relative to the file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../config';

const NonEmpty = Type.String({ minLength: 1 });
const Enrolment = Type.Object({ enrollmentId: NonEmpty, secretPath: NonEmpty });

/** The part of `ecch-network/v1` the gateway reads; other fields are ignored. */
const NetworkFile = Type.Object({
  channel: NonEmpty,
  chaincode: Type.Object({ name: NonEmpty }),
  gateway: Type.Object({
    peer: Type.Optional(NonEmpty),
    mspId: NonEmpty,
    endpoint: NonEmpty,
    hostnameOverride: Type.Optional(NonEmpty),
    tlsCACertPath: NonEmpty,
    registrar: Enrolment,
    na: Enrolment,
  }),
  orgs: Type.Record(
    Type.String(),
    Type.Object({
      ca: Type.Optional(Type.Object({ certPath: NonEmpty })),
      fabricCa: Type.Optional(Type.Object({ url: NonEmpty, caName: NonEmpty, tlsCACertPath: NonEmpty })),
    }),
  ),
  peers: Type.Optional(
    Type.Record(Type.String(), Type.Object({ mspId: NonEmpty, endpoint: NonEmpty, hostnameOverride: Type.Optional(NonEmpty), tlsCACertPath: NonEmpty })),
  ),
});

/** A peer whose Gateway service the gateway may call. */
export interface PeerEndpoint {
  endpoint: string;
  hostAlias?: string;
  tlsCACert: string;
}

export interface EnrolmentFiles {
  enrollmentId: string;
  /** Absolute path of the file holding the enrolment secret. */
  secretFile: string;
}

export interface ConnectionProfile {
  mspId: string;
  channel: string;
  chaincode: string;
  /** The gateway peer: every call goes there while it answers. */
  peer: PeerEndpoint;
  /** The org's other peers, by name, tried in turn when the current one cannot be reached. */
  fallbackPeers?: PeerEndpoint[];
  /** The organisation's Fabric CA; `caCert` is the CA certificate the identities it issues chain to. */
  fabricCa: { url: string; caName: string; tlsCACert: string; caCert: string };
  registrar: EnrolmentFiles;
  na: EnrolmentFiles;
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
  const org = raw.orgs[raw.gateway.mspId];
  if (!org?.ca) throw invalid(file, `/orgs/${raw.gateway.mspId}/ca is missing (the certificate of the CA the gateway's identities chain to)`);
  if (!org.fabricCa) throw invalid(file, `/orgs/${raw.gateway.mspId}/fabricCa is missing (the gateway enrols its identities there)`);
  const abs = (p: string) => path.resolve(path.dirname(file), p);
  const enrolment = (e: { enrollmentId: string; secretPath: string }): EnrolmentFiles => ({ enrollmentId: e.enrollmentId, secretFile: abs(e.secretPath) });
  const profile: ConnectionProfile = {
    mspId: raw.gateway.mspId,
    channel: raw.channel,
    chaincode: raw.chaincode.name,
    peer: { endpoint: raw.gateway.endpoint, tlsCACert: abs(raw.gateway.tlsCACertPath) },
    fabricCa: { url: org.fabricCa.url, caName: org.fabricCa.caName, tlsCACert: abs(org.fabricCa.tlsCACertPath), caCert: abs(org.ca.certPath) },
    registrar: enrolment(raw.gateway.registrar),
    na: enrolment(raw.gateway.na),
  };
  if (raw.gateway.hostnameOverride) profile.peer.hostAlias = raw.gateway.hostnameOverride;
  const fallbacks = Object.entries(raw.peers ?? {})
    .filter(([name, p]) => p.mspId === raw.gateway.mspId && name !== raw.gateway.peer && p.endpoint !== raw.gateway.endpoint)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]): PeerEndpoint => ({ endpoint: p.endpoint, tlsCACert: abs(p.tlsCACertPath), ...(p.hostnameOverride ? { hostAlias: p.hostnameOverride } : {}) }));
  if (fallbacks.length > 0) profile.fallbackPeers = fallbacks;
  return profile;
}
