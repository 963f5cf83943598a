/**
 * CPU and memory of processes while something runs, from /proc: utime+stime of
 * /proc/<pid>/stat and VmRSS of /proc/<pid>/status, plus the whole machine's busy
 * share from /proc/stat, sampled on an interval. Linux only; a process that
 * vanished is simply no longer sampled.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface ProcessFigures {
  pid: number;
  /** CPU time used during the window (user + system). */
  cpuSeconds: number;
  /** cpuSeconds / window, in % of one core. */
  avgCpuPct: number;
  /** Busiest sampling interval, in % of one core. */
  peakCpuPct: number;
  rssStartMB: number | null;
  rssPeakMB: number | null;
}

export interface SampledFigures {
  windowMs: number;
  /** Share of all cores busy (any process), mean and busiest interval. */
  machineBusyPct: number;
  machinePeakBusyPct: number;
  processes: Record<string, ProcessFigures>;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime in ticks; the command name may contain spaces, so fields are counted after its ')'. */
export function cpuTicksOf(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // Fields from state (3rd of stat(5)) on: utime and stime are the 14th and 15th.
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy and total jiffies of the whole machine from /proc/stat's first line. */
export function machineTicksOf(procStat: string): { busy: number; total: number } {
  const nums = (procStat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = nums.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (nums[3] ?? 0) + (nums[4] ?? 0);
  return { busy: total - idle, total };
}

function readTicks(pid: number): number | undefined {
  try {
    return cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

function readRssMB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export class ProcSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly first = new Map<string, { ticks: number; rss: number | undefined }>();
  private readonly last = new Map<string, number>();
  private readonly peakPct = new Map<string, number>();
  private readonly peakRss = new Map<string, number>();
  private machineStart = { busy: 0, total: 0 };
  private machineLast = { busy: 0, total: 0 };
  private machinePeak = 0;
  private startedAt = 0;
  private lastAt = 0;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.startedAt = this.lastAt = Date.now();
    this.machineStart = this.machineLast = machineTicksOf(readFileSync('/proc/stat', 'utf8'));
    for (const [name, pid] of Object.entries(this.pids)) {
      const ticks = readTicks(pid);
      if (ticks === undefined) continue;
      const rss = readRssMB(pid);
      this.first.set(name, { ticks, rss });
      this.last.set(name, ticks);
      if (rss !== undefined) this.peakRss.set(name, rss);
    }
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const now = Date.now();
    const seconds = (now - this.lastAt) / 1000;
    if (seconds <= 0) return;
    const machine = machineTicksOf(readFileSync('/proc/stat', 'utf8'));
    const dTotal = machine.total - this.machineLast.total;
    if (dTotal > 0) this.machinePeak = Math.max(this.machinePeak, ((machine.busy - this.machineLast.busy) / dTotal) * 100);
    this.machineLast = machine;
    for (const [name, pid] of Object.entries(this.pids)) {
      const ticks = readTicks(pid);
      const prev = this.last.get(name);
      if (ticks === undefined || prev === undefined) continue;
      const pct = ((ticks - prev) / clockTicks() / seconds) * 100;
      this.peakPct.set(name, Math.max(this.peakPct.get(name) ?? 0, pct));
      this.last.set(name, ticks);
      const rss = readRssMB(pid);
      if (rss !== undefined) this.peakRss.set(name, Math.max(this.peakRss.get(name) ?? 0, rss));
    }
    this.lastAt = now;
  }

  stop(): SampledFigures {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const windowMs = Date.now() - this.startedAt;
    const processes: Record<string, ProcessFigures> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const first = this.first.get(name);
      const last = this.last.get(name);
      if (!first || last === undefined) continue;
      const cpuSeconds = (last - first.ticks) / clockTicks();
      processes[name] = {
        pid,
        cpuSeconds: Math.round(cpuSeconds * 100) / 100,
        avgCpuPct: windowMs > 0 ? r1((cpuSeconds / (windowMs / 1000)) * 100) : 0,
        peakCpuPct: r1(this.peakPct.get(name) ?? 0),
        rssStartMB: first.rss === undefined ? null : r1(first.rss),
        rssPeakMB: this.peakRss.has(name) ? r1(this.peakRss.get(name) as number) : null,
      };
    }
    const dTotal = this.machineLast.total - this.machineStart.total;
    return {
      windowMs,
      machineBusyPct: dTotal > 0 ? r1(((this.machineLast.busy - this.machineStart.busy) / dTotal) * 100) : 0,
      machinePeakBusyPct: r1(this.machinePeak),
      processes,
    };
  }
}

/** Windows sampled one after the other, as one: CPU summed, means weighted by window, peaks kept. */
export function mergeSampled(parts: readonly SampledFigures[]): SampledFigures {
  if (parts.length === 1) return parts[0] as SampledFigures;
  const windowMs = parts.reduce((a, p) => a + p.windowMs, 0);
  const processes: Record<string, ProcessFigures> = {};
  for (const part of parts) {
    for (const [name, p] of Object.entries(part.processes)) {
      const acc = processes[name];
      if (!acc) {
        processes[name] = { ...p };
        continue;
      }
      acc.cpuSeconds = Math.round((acc.cpuSeconds + p.cpuSeconds) * 100) / 100;
      acc.peakCpuPct = Math.max(acc.peakCpuPct, p.peakCpuPct);
      acc.rssPeakMB = p.rssPeakMB === null ? acc.rssPeakMB : Math.max(acc.rssPeakMB ?? 0, p.rssPeakMB);
    }
  }
  for (const p of Object.values(processes)) p.avgCpuPct = windowMs > 0 ? r1((p.cpuSeconds / (windowMs / 1000)) * 100) : 0;
  return {
    windowMs,
    machineBusyPct: windowMs > 0 ? r1(parts.reduce((a, p) => a + p.machineBusyPct * p.windowMs, 0) / windowMs) : 0,
    machinePeakBusyPct: Math.max(...parts.map((p) => p.machinePeakBusyPct)),
    processes,
  };
}
