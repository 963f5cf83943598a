/**
 * Child process for the clock's fault test: runs the gateway (embedded ledger at
 * argv[2], the clock on, ticking every 100 ms) and holds every clearing: instead of
 * submitting markets:Clear it prints "clearing <market id>" and waits, so the parent
 * can SIGKILL the gateway between a market's gate closure and its clearing.
 */
import { createApp } from '../../../gateway-api/src/app';
import { loadConfig } from '../../../gateway-api/src/config';
import { ChaincodeClient } from '../../../gateway-api/src/ledger/chaincode-client';

// Untyped on purpose: it wraps every transaction of the catalogue alike.
type AnySubmit = (this: ChaincodeClient, ...call: unknown[]) => Promise<unknown>;
const submit = ChaincodeClient.prototype.submit as unknown as AnySubmit;
(ChaincodeClient.prototype as unknown as { submit: AnySubmit }).submit = function held(this: ChaincodeClient, ...call: unknown[]): Promise<unknown> {
  const [, contract, transaction, ...args] = call;
  if (contract === 'markets' && transaction === 'Clear') {
    process.stdout.write(`clearing ${String(args[0])}\n`);
    return new Promise<never>(() => undefined);
  }
  return submit.apply(this, call);
};

async function main(): Promise<void> {
  const [dataDir, adminToken] = process.argv.slice(2);
  await createApp(loadConfig({ LEDGER: 'embedded', DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'silent', CLOCK_TICK_MS: 100 }));
  process.stdout.write('ready\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
