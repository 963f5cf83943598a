/**
 * Jest globalSetup of the `network` project: starts the real Fabric network with
 * `network/scripts/network.sh up` (which builds the chaincode with `tsc -b chaincode`,
 * generates crypto and the channel, starts 3 orderers, 4 peers (2 per org) and 2
 * chaincode servers (1 per org), and deploys ecch-market) and exposes its connection info to the suites:
 *
 *   process.env.ECCH_NETWORK_CONNECTION  path of network/.run/connection.json
 *   process.env.FABRIC_CONNECTION        the same (the gateway-api's setting)
 *
 * It never skips: if the network cannot start, it throws with the tail of the output
 * (which ends with the failing node's log) and keeps a copy of every node log.
 *
 * ECCH_NETWORK_MODE=compose: the network is already up in Docker Compose
 * (network/scripts/compose-e2e.sh started it and tears it down): no `network.sh up`, the
 * suites use its connection file, ECCH_NETWORK_CONNECTION (default
 * network/.run/compose/connection.json).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const NETWORK_SH = path.join(REPO_ROOT, 'network', 'scripts', 'network.sh');
/** `network.sh up` exit code when a network already runs from the same run directory. */
const ALREADY_RUNNING = 3;

export interface ScriptResult {
  code: number | null;
  output: string;
}

/** Runs network.sh, echoing its progress lines to stderr as they come. */
export function runNetworkScript(args: string[]): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [NETWORK_SH, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      process.stderr.write(text);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function runDir(): string {
  return process.env.ECCH_RUN_DIR ?? path.join(REPO_ROOT, 'network', '.run');
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** True when the suites run against a network someone else started (compose-e2e.sh). */
export function composeMode(): boolean {
  return process.env.ECCH_NETWORK_MODE === 'compose';
}

function useComposeNetwork(): void {
  const connection = process.env.ECCH_NETWORK_CONNECTION ?? path.join(REPO_ROOT, 'network', '.run', 'compose', 'connection.json');
  if (!existsSync(connection)) {
    throw new Error(`ECCH_NETWORK_MODE=compose but ${connection} does not exist: start the network with network/scripts/compose-e2e.sh`);
  }
  process.stderr.write(`\n[network tests] ECCH_NETWORK_MODE=compose: using the Compose network of ${connection}\n`);
  process.env.ECCH_NETWORK_CONNECTION = connection;
  process.env.FABRIC_CONNECTION = connection;
}

export default async function globalSetup(): Promise<void> {
  if (composeMode()) return useComposeNetwork();
  process.stderr.write('\n[network tests] starting the Fabric network (network/scripts/network.sh up)\n');
  const up = await runNetworkScript(['up']);
  const connection = path.join(runDir(), 'connection.json');
  if (up.code === 0 && existsSync(connection)) {
    process.env.ECCH_NETWORK_CONNECTION = connection;
    process.env.FABRIC_CONNECTION = connection;
    return;
  }
  if (up.code === ALREADY_RUNNING) {
    // Another run's (or a developer's) network: leave it alone, do not tear it down.
    throw new Error(`The Fabric network could not start: one is already running.\n${tail(up.output, 20)}`);
  }
  // Keep the node logs before `down` deletes the run directory.
  let kept = '(no logs)';
  const logs = path.join(runDir(), 'logs');
  if (existsSync(logs)) {
    kept = mkdtempSync(path.join(os.tmpdir(), 'ecch-network-logs-'));
    cpSync(logs, kept, { recursive: true });
  }
  await runNetworkScript(['down']);
  const why = up.code === 0 ? `it exited 0 but wrote no ${connection}` : `exit code ${up.code}`;
  throw new Error(
    `The Fabric network could not start (${why}); node logs kept in ${kept}.\n` +
      `Last lines of network.sh up:\n${tail(up.output, 80)}`,
  );
}
