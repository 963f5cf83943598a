/**
 * Child process for the crash test: opens the embedded ledger at argv[2] and clears
 * market argv[3] (its gate already closed) as the NA, printing "closing" just before
 * it submits, so the parent can kill it (SIGKILL) at chosen moments of the clearing.
 */
import { createEmbeddedLedger } from '../../../gateway-api/src/ledger/embedded';
import { createCertificateAuthority, issueIdentity } from '../../../gateway-api/src/identity/issuer';

async function main(): Promise<void> {
  const [dataDir, marketId] = process.argv.slice(2);
  const ca = await createCertificateAuthority('crash-ca', 'crash test');
  const na = { label: 'admin', mspId: 'CommunityMSP', ...(await issueIdentity(ca, { commonName: 'admin', attrs: { 'ecch.role': 'na' } })) };
  const ledger = await createEmbeddedLedger({ dataDir });
  process.stdout.write('closing\n');
  await ledger.submit(na, { contract: 'markets', transaction: 'Clear', args: [marketId] });
  process.stdout.write('closed\n');
  await ledger.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
