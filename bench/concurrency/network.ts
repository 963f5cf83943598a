/**
 * Our own Fabric network instance, through network/scripts/network.sh with our
 * run directory and port block (another engineer's network runs on the same
 * machine): bring it up if asked, find its connection file and node pids, take it
 * down again if we started it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../network/scripts/network.sh');

export interface NetworkHandle {
  runDir: string;
  connection: string;
  /** Whether this run started it (and so must stop it). */
  startedHere: boolean;
}

function run(command: 'up' | 'down' | 'status', runDir: string, portBase: number, timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync('bash', [SCRIPT, command], {
    env: { ...process.env, ECCH_RUN_DIR: runDir, ECCH_PORT_BASE: String(portBase) },
    encoding: 'utf8',
    timeout: timeoutMs,
    // network.sh logs its steps on stderr; keep them visible as progress.
    stdio: ['ignore', 'pipe', command === 'status' ? 'pipe' : 'inherit'],
  });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export function networkRunning(runDir: string, portBase: number): boolean {
  return existsSync(path.join(runDir, 'connection.json')) && run('status', runDir, portBase, 30_000).ok;
}

export function ensureNetwork(mode: 'existing' | 'up' | 'keep', runDir: string, portBase: number): NetworkHandle {
  const connection = path.join(runDir, 'connection.json');
  if (networkRunning(runDir, portBase)) return { runDir, connection, startedHere: false };
  if (mode === 'existing') {
    throw new Error(`no Fabric network runs from ${runDir} (ECCH_PORT_BASE=${portBase}); start one or pass --network up`);
  }
  process.stderr.write(`[bench] starting the Fabric network in ${runDir} (port base ${portBase}) ...\n`);
  const up = run('up', runDir, portBase, 10 * 60_000);
  if (!up.ok) throw new Error(`network.sh up failed (see its output above); run 'network.sh down' with ECCH_RUN_DIR=${runDir}`);
  return { runDir, connection, startedHere: mode === 'up' };
}

export function stopNetwork(h: NetworkHandle, portBase: number): void {
  if (!h.startedHere) return;
  process.stderr.write(`[bench] stopping the Fabric network in ${h.runDir} ...\n`);
  run('down', h.runDir, portBase, 5 * 60_000);
}

/** node name → pid, from the run directory's pids/ folder. */
export function nodePids(runDir: string): Record<string, number> {
  const dir = path.join(runDir, 'pids');
  const out: Record<string, number> = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(readFileSync(path.join(dir, file), 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0) out[file.slice(0, -4)] = pid;
  }
  return out;
}

/** What the figures depend on that `network.sh up` fixed: read back from the network itself, not from our environment. */
export interface NetworkSettings {
  /** The orderers' BatchTimeout in the channel's genesis block (the rendered configtx.yaml). */
  batchTimeout: string | null;
  /** ECCH_WRITE_BATCH of the Community chaincode server's process (on unless it says off). */
  writeBatch: 'on' | 'off' | null;
}

export function networkSettings(runDir: string, pids: Record<string, number>): NetworkSettings {
  let batchTimeout: string | null = null;
  try {
    batchTimeout = /^\s*BatchTimeout:\s*(\S+)/m.exec(readFileSync(path.join(runDir, 'configtx.yaml'), 'utf8'))?.[1] ?? null;
  } catch {
    // not a run directory written by network.sh up
  }
  let writeBatch: NetworkSettings['writeBatch'] = null;
  const cc = pids['cc.community'];
  try {
    if (cc) {
      const env = readFileSync(`/proc/${cc}/environ`, 'utf8').split('\0');
      writeBatch = env.includes('ECCH_WRITE_BATCH=off') ? 'off' : 'on';
    }
  } catch {
    // the process is gone or not ours to read
  }
  return { batchTimeout, writeBatch };
}

/** Total bytes of a node's block files (blockfile_*), to see how much a block added. */
export function blockFileBytes(runDir: string, node: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith('blockfile_')) total += statSync(p).size;
    }
  };
  const root = path.join(runDir, 'data', node);
  if (existsSync(root)) walk(root);
  return total;
}

/** The Fabric binaries the network runs (connection.json's tools.fabricBinDir). */
export function fabricBinDir(connection: string): string | undefined {
  try {
    const c = JSON.parse(readFileSync(connection, 'utf8')) as { tools?: { fabricBinDir?: string } };
    const dir = c.tools?.fabricBinDir;
    return dir ? path.resolve(path.dirname(connection), dir) : undefined;
  } catch {
    return undefined;
  }
}
