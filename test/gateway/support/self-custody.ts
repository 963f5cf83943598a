/**
 * Test support: a household that holds its own key, on a gateway over the embedded
 * ledger listening on loopback, so the household client (examples/household-client)
 * talks to it over HTTP as it would in production.
 *
 * The household comes about as in production: the NA registers it for self-custody
 * (POST /v1/participants, custody "self") and hands it the one-time secret; the
 * household makes its key and CSR and enrols (POST /v1/enrolments: its certificate and
 * token); then it binds its key on the ledger with a `participant.enrol` it signs
 * itself. The gateway never holds the key.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createKey, enrol, HouseholdClient } from '../../../examples/household-client/src';
import { ADMIN, call, openGateway } from './gateway';

export interface ListeningGateway {
  app: FastifyInstance;
  url: string;
  dataDir: string;
}

/** A gateway on the embedded ledger in `dataDir`, listening on 127.0.0.1 (reopen it on the same directory after a restart). */
export async function listeningGateway(dataDir: string): Promise<ListeningGateway> {
  const app = await openGateway(dataDir);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, dataDir };
}

export interface SelfCustodyHousehold {
  id: string;
  token: string;
  certificate: string;
  privateKey: KeyObject;
  keyFile: string;
  client: HouseholdClient;
}

/** Registered for self-custody by the NA, enrolled with its own key (a 0600 file in a temp dir), its key bound on the ledger. */
export async function selfCustodyHousehold(gw: ListeningGateway, id: string): Promise<SelfCustodyHousehold> {
  const registered = await call(gw.app, 'POST', '/v1/participants', ADMIN, { id, name: `Household ${id}`, kind: 'prosumer', custody: 'self' });
  if (registered.status !== 201) throw new Error(`register ${id}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'ecch-household-')), `${id}.key`);
  const privateKey = await createKey(keyFile);
  const { certificate, token } = await enrol({ gatewayUrl: gw.url, participantId: id, secret: registered.body.enrolment.secret, privateKey });
  const client = new HouseholdClient({ gatewayUrl: gw.url, token, privateKey, certificate });
  await client.bindKey(id);
  return { id, token, certificate, privateKey, keyFile, client };
}
