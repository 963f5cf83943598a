/**
 * Jest globalTeardown of the `network` project: `network/scripts/network.sh down`
 * stops every node it started, checks nothing is left listening and deletes the run
 * directory. ECCH_KEEP_NETWORK=1 leaves the network up for debugging (then run
 * `network/scripts/network.sh down` yourself). Nothing to do with ECCH_NETWORK_MODE=compose.
 */
import { composeMode, runNetworkScript } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  // A Compose network belongs to compose-e2e.sh, which tears it down.
  if (composeMode()) return;
  if (process.env.ECCH_KEEP_NETWORK === '1') {
    process.stderr.write('[network tests] ECCH_KEEP_NETWORK=1: leaving the network up (network/scripts/network.sh down)\n');
    return;
  }
  const down = await runNetworkScript(['down']);
  if (down.code !== 0) {
    throw new Error(`network.sh down failed (exit ${down.code}):\n${down.output.trimEnd().split('\n').slice(-40).join('\n')}`);
  }
}
