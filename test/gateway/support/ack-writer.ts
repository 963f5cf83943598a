/**
 * The child process of group-commit-crash.test.ts: registers participants on an
 * embedded ledger in the DATA_DIR given, 16 at a time (so they share commit groups),
 * and prints each id on its own line once the ledger has answered it; it runs until
 * it is killed. stdout is a pipe, which Node writes synchronously on Linux, so a
 * printed id was acknowledged before anything after it happened.
 */
import { createEmbeddedLedger } from '../../../gateway-api/src/ledger/embedded';
import { callOf, type LedgerIdentity } from '../../../gateway-api/src/ledger/port';
import { createCertificateAuthority, issueIdentity } from '../../../gateway-api/src/identity/issuer';

async function main(dir: string): Promise<void> {
  const ca = await createCertificateAuthority('ca.crash.ecch.local', 'ECCH crash test');
  const issued = await issueIdentity(ca, { commonName: 'admin', attrs: { 'ecch.role': 'na' } });
  const na: LedgerIdentity = { label: 'admin', mspId: 'CommunityMSP', ...issued };
  // No trusted CAs: any identity may transact (the test reopens the store with its own NA).
  const ledger = await createEmbeddedLedger({ dataDir: dir });
  process.stdout.write('ready\n');
  for (let n = 0; ; ) {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const id = `c${n++}`;
        await ledger.submit(na, callOf('participants', 'Register', [JSON.stringify({ id, name: `Crash ${id}`, kind: 'consumer' })]));
        process.stdout.write(`${id}\n`);
      }),
    );
  }
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`ack-writer: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
