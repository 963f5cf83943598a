/**
 * The machine the figures were measured on, and how busy it was: results from a
 * 2-core box shared with another Fabric network mean little without this.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  fabricVersion: string | null;
}

export interface Load {
  at: string;
  /** 1, 5 and 15 minute load averages. */
  loadavg: number[];
  /** Fabric peers running on the machine, ours included (another network means shared cores). */
  fabricPeersRunning: number;
}

/** `peer version`'s Version line, from the binaries the network runs. */
function fabricVersion(binDir: string | undefined): string | null {
  if (!binDir) return null;
  try {
    const out = execFileSync(`${binDir}/peer`, ['version'], { encoding: 'utf8', timeout: 10_000 });
    return /Version:\s*(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

export function describeMachine(fabricBinDir?: string): Machine {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    fabricVersion: fabricVersion(fabricBinDir),
  };
}

function countFabricPeers(): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('/peer') && cmd[1] === 'node' && cmd[2] === 'start') n += 1;
    } catch {
      // The process ended while we looked.
    }
  }
  return n;
}

export function currentLoad(): Load {
  return { at: new Date().toISOString(), loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), fabricPeersRunning: countFabricPeers() };
}
