/**
 * The key a participant is bound to on the ledger: `${mspId}::${x509 id}`, computed
 * with fabric-shim's own ClientIdentity so it is byte-for-byte what the chaincode
 * sees for the same certificate.
 */
import { ClientIdentity } from 'fabric-shim';

export function identityKey(mspId: string, certificatePem: string): string {
  const stub = {
    getChannelID: () => '',
    getTxID: () => '',
    getCreator: () => ({ mspid: mspId, idBytes: Buffer.from(certificatePem, 'utf8') }),
  };
  const ci = new ClientIdentity(stub as never);
  return `${ci.getMSPID()}::${ci.getID()}`;
}
