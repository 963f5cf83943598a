#!/usr/bin/env node
/**
 * ecch-household: the household client from a shell.
 *
 *   ecch-household key <key-file>                      a new P-256 key (0600)
 *   ecch-household csr <key-file> <participant-id>     its CSR (PEM) on stdout
 *   ecch-household enrol <key-file> <participant-id> <secret> <certificate-file>
 *       enrols the key at $ECCH_GATEWAY with the NA's one-time secret: writes the
 *       certificate, prints the household's bearer token (shown once)
 *   ecch-household sign <action> <params-json> <key-file> <certificate-file>
 *       signs and commits one action (order.place, order.amend, order.cancel) through
 *       the gateway at $ECCH_GATEWAY with the bearer token $ECCH_TOKEN; prints the result
 *   ecch-household query <action> [<params-json>] <key-file> <certificate-file>
 *       signs one query (order.get, orders.list, account.get, participant.get) and has
 *       it evaluated, the same way; prints what it read (nothing is written)
 */
import { promises as fs } from 'node:fs';
import { enrol, HouseholdClient, GatewayProblem } from './client';
import { createCsr } from './csr';
import { createKey, loadKey } from './key';

const USAGE = `usage:
  ecch-household key <key-file>
  ecch-household csr <key-file> <participant-id>
  ECCH_GATEWAY=<url> ecch-household enrol <key-file> <participant-id> <secret> <certificate-file>
  ECCH_GATEWAY=<url> ECCH_TOKEN=<token> ecch-household sign <action> <params-json> <key-file> <certificate-file>
  ECCH_GATEWAY=<url> ECCH_TOKEN=<token> ecch-household query <action> [<params-json>] <key-file> <certificate-file>`;

async function clientFrom(keyFile: string, certFile: string): Promise<HouseholdClient> {
  const gatewayUrl = process.env.ECCH_GATEWAY;
  const token = process.env.ECCH_TOKEN;
  if (!gatewayUrl || !token) throw new Error('set ECCH_GATEWAY and ECCH_TOKEN');
  return new HouseholdClient({ gatewayUrl, token, privateKey: await loadKey(keyFile), certificate: await fs.readFile(certFile, 'utf8') });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'key' && args.length === 1) {
    await createKey(args[0]);
    process.stderr.write(`wrote ${args[0]} (0600)\n`);
    return;
  }
  if (command === 'csr' && args.length === 2) {
    process.stdout.write(await createCsr(await loadKey(args[0]), args[1]));
    return;
  }
  if (command === 'enrol' && args.length === 4) {
    const [keyFile, participantId, secret, certFile] = args;
    const gatewayUrl = process.env.ECCH_GATEWAY;
    if (!gatewayUrl) throw new Error('set ECCH_GATEWAY');
    const enrolled = await enrol({ gatewayUrl, participantId, secret, privateKey: await loadKey(keyFile) });
    await fs.writeFile(certFile, enrolled.certificate, { flag: 'wx' });
    process.stdout.write(`${enrolled.token}\n`);
    return;
  }
  if (command === 'sign' && args.length === 4) {
    const [action, params, keyFile, certFile] = args;
    const client = await clientFrom(keyFile, certFile);
    const done = await client.run(action, JSON.parse(params) as Record<string, unknown>);
    process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
    return;
  }
  if (command === 'query' && (args.length === 3 || args.length === 4)) {
    const [action, ...rest] = args;
    const [params, keyFile, certFile] = rest.length === 3 ? rest : ['{}', ...rest];
    const client = await clientFrom(keyFile, certFile);
    const read = await client.query(action, JSON.parse(params) as Record<string, unknown>);
    process.stdout.write(`${JSON.stringify(read, null, 2)}\n`);
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof GatewayProblem ? `${err.status} ${err.code}: ${err.detail}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
