#!/usr/bin/env node
// Readiness probe: asks a peer's Gateway service to endorse a (read-only) transaction of
// the chaincode, which succeeds only once that peer's service discovery knows peers of
// every org the endorsement policy needs (gossip takes a few seconds after start-up).
// Nothing is submitted, so the ledger does not change.
//
// usage: gateway-probe.js ENDPOINT TLS_CA_FILE HOSTNAME MSP_ID CERT_FILE KEY_FILE CHANNEL CHAINCODE TX [ARG...]
'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const grpc = require('@grpc/grpc-js');
const { connect, signers } = require('@hyperledger/fabric-gateway');

async function main() {
  const [endpoint, tlsCa, hostname, mspId, certFile, keyFile, channel, chaincode, tx, ...args] = process.argv.slice(2);
  if (!tx) throw new Error('usage: gateway-probe.js ENDPOINT TLS_CA_FILE HOSTNAME MSP_ID CERT_FILE KEY_FILE CHANNEL CHAINCODE TX [ARG...]');
  const client = new grpc.Client(endpoint, grpc.credentials.createSsl(fs.readFileSync(tlsCa)), {
    'grpc.ssl_target_name_override': hostname,
  });
  const gateway = connect({
    client,
    identity: { mspId, credentials: fs.readFileSync(certFile) },
    signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(keyFile))),
    endorseOptions: () => ({ deadline: Date.now() + 10000 }),
  });
  try {
    const contract = gateway.getNetwork(channel).getContract(chaincode);
    await contract.newProposal(tx, { arguments: args }).endorse();
  } finally {
    gateway.close();
    client.close();
  }
}

main().catch((err) => {
  console.error(`gateway probe failed: ${err.message}`);
  for (const d of err.details ?? []) console.error(`  ${d.mspId}@${d.address}: ${d.message}`);
  process.exit(1);
});
