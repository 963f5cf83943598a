/**
 * The concurrency benchmark's pure parts: percentiles, round aggregation, target
 * verdicts, option parsing and /proc parsing. No timing is asserted anywhere.
 */
import { aggregate, combineReps } from '../../bench/concurrency/aggregate';
import type { RoundRecord } from '../../bench/concurrency/ledger-run';
import { parseOptions, UsageError } from '../../bench/concurrency/options';
import { forEachLimited, limiter } from '../../bench/concurrency/pool';
import { cpuTicksOf, machineTicksOf, mergeSampled } from '../../bench/concurrency/proc-sampler';
import type { Sample } from '../../bench/concurrency/sample';
import { percentile, summarize } from '../../bench/concurrency/stats';
import { acceptanceVerdict, cpuMsPerTx, latencyVerdict, throughputRatios, throughputVerdict } from '../../bench/concurrency/targets';
import { orderFor } from '../../bench/concurrency/workload';

describe('percentile (nearest rank)', () => {
  const values = [15, 20, 35, 40, 50];

  it('returns observed values by rank ceil(p/100 × n)', () => {
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
  });

  it('does not depend on input order and does not sort the caller’s array', () => {
    const shuffled = [50, 15, 40, 20, 35];
    expect(percentile(shuffled, 95)).toBe(50);
    expect(percentile(shuffled, 60)).toBe(35);
    expect(shuffled).toEqual([50, 15, 40, 20, 35]);
  });

  it('p95 of 1..100 is 95, p99 is 99, p50 is 50', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
  });

  it('is NaN without samples and refuses p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(values, 0)).toThrow(RangeError);
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives mean, percentiles and max rounded to 0.1 ms', () => {
    expect(summarize([1, 2, 3, 4.04])).toEqual({ count: 4, meanMs: 2.5, p50Ms: 2, p95Ms: 4, p99Ms: 4, maxMs: 4 });
  });

  it('gives nulls, not NaN, for an empty round', () => {
    expect(summarize([])).toEqual({ count: 0, meanMs: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null });
  });
});

const s = (op: string, agent: number, ok: boolean, startMs: number, endMs: number, extra: Partial<Sample> = {}): Sample => ({ op, agent, ok, startMs, endMs, ...extra });

describe('aggregate', () => {
  const samples: Sample[] = [
    s('place', 0, true, 0, 100),
    s('amend', 0, true, 100, 300),
    s('place', 1, true, 10, 210),
    s('amend', 1, false, 210, 260, { code: 'NOT_FOUND', detail: 'order o-1 does not exist' }),
    s('place', 2, false, 5, 1005, { code: 'GRPC:UNKNOWN', detail: 'too many requests' }),
    s('amend', 2, false, 1005, 1005, { skipped: true, code: 'PLACE_FAILED' }),
  ];
  const f = aggregate(3, samples);

  it('splits success by operation, counting skipped requests apart from attempts', () => {
    expect(f.ops.place).toMatchObject({ intended: 3, attempted: 3, accepted: 2, skipped: 0, successRate: 0.6667 });
    expect(f.ops.amend).toMatchObject({ intended: 3, attempted: 2, accepted: 1, skipped: 1, successRate: 0.5 });
    expect(f).toMatchObject({ agents: 3, intended: 6, attempted: 5, accepted: 3, successRate: 0.6 });
  });

  it('counts failure codes (not skips) and keeps the first message of each', () => {
    expect(f.failures).toEqual({ NOT_FOUND: 1, 'GRPC:UNKNOWN': 1 });
    expect(f.ops.amend?.failures).toEqual({ NOT_FOUND: 1 });
    expect(f.examples.NOT_FOUND).toBe('order o-1 does not exist');
  });

  it('measures wall time from the first request sent to the last answer, throughput over it', () => {
    expect(f.wallMs).toBe(1005);
    expect(f.throughputPerS).toBeCloseTo(3 / 1.005, 1);
  });

  it('takes latency from accepted requests only', () => {
    expect(f.latency.count).toBe(3);
    expect(f.latency.meanMs).toBe(166.7); // (100 + 200 + 200) / 3
    expect(f.ops.amend?.latency.p50Ms).toBe(200);
  });

  it('reports an empty round without dividing by zero', () => {
    const empty = aggregate(0, []);
    expect(empty).toMatchObject({ wallMs: 0, throughputPerS: 0, successRate: null, accepted: 0 });
  });
});

function record(path: 'rest' | 'adapter', workload: 'orders' | 'touch', agents: number, accepted: number, intended: number, tput: number, p95: number): RoundRecord {
  const samples: Sample[] = Array.from({ length: intended }, (_, i) => s(workload === 'orders' ? (i % 2 ? 'amend' : 'place') : 'touch', i, i < accepted, 0, p95, i < accepted ? {} : { code: 'X' }));
  const figures = { ...aggregate(agents, samples), throughputPerS: tput };
  return { path, workload, agents, figures, load: { at: '', loadavg: [0, 0, 0], fabricPeersRunning: 0 }, resources: { windowMs: 0, machineBusyPct: 0, machinePeakBusyPct: 0, processes: {} } };
}

describe('target verdicts', () => {
  const rounds = [
    record('adapter', 'orders', 10, 20, 20, 40, 300),
    record('adapter', 'touch', 10, 20, 20, 50, 250),
    record('adapter', 'orders', 100, 199, 200, 70, 1200),
    record('adapter', 'touch', 100, 200, 200, 100, 900),
    record('rest', 'orders', 100, 200, 200, 60, 999),
  ];

  it('acceptance is met only when every order of every round was accepted', () => {
    expect(acceptanceVerdict(rounds, 'rest').met).toBe(true);
    const adapter = acceptanceVerdict(rounds, 'adapter');
    expect(adapter.met).toBe(false);
    expect(adapter.value).toBe('lowest 99.5 % (N=100)');
    expect(adapter.detail).toBe('N=100: 199/200');
  });

  it('compares order and Touch throughput per N and at the peaks', () => {
    expect(throughputRatios(rounds, 'touch')).toMatchObject([
      { agents: 10, orders: 40, baseline: 50, ratio: 0.8 },
      { agents: 100, orders: 70, baseline: 100, ratio: 0.7 },
    ]);
    const v = throughputVerdict(rounds);
    expect(v.met).toBe(false); // peaks 70 vs 100
    expect(v.value).toContain('70.0 %');
    expect(v.detail).toBe('below 80 % at N=100 (70.0 %)');
  });

  it('judges p95 at 100 households against 1 s, strictly', () => {
    expect(latencyVerdict(rounds, 'rest').met).toBe(true);
    expect(latencyVerdict(rounds, 'adapter')).toMatchObject({ met: false, value: 'p95 1200 ms', detail: '200 ms over (1.20×)' });
    expect(latencyVerdict(rounds, 'rest', 250).met).toBeNull();
  });
});

describe('repetitions', () => {
  // Three repetitions of 2 requests: wall times 100, 400 and 200 ms.
  const rep = (wall: number, ok: boolean): Sample[] => [s('touch', 0, true, 0, wall / 2), s('touch', 0, ok, wall / 2, wall, ok ? {} : { code: 'X' })];
  const f = combineReps(1, [rep(100, true), rep(400, false), rep(200, true)]);

  it('pools success and latency over all repetitions', () => {
    expect(f).toMatchObject({ intended: 6, accepted: 5, failures: { X: 1 } });
    expect(f.latency.count).toBe(5);
  });

  it('takes throughput and wall time from the median repetition, keeping each', () => {
    expect(f.wallMs).toBe(200);
    expect(f.throughputPerS).toBe(10); // 2 accepted in 200 ms
    expect(f.reps?.map((r) => r.throughputPerS)).toEqual([20, 2.5, 10]);
  });

  it('one repetition is just that round', () => {
    expect(combineReps(1, [rep(100, true)])).toEqual(aggregate(1, rep(100, true)));
  });

  it('merges sampled windows: CPU summed, mean weighted by window, peaks kept', () => {
    const proc = (cpuSeconds: number, peakCpuPct: number, rssPeakMB: number) => ({ pid: 1, cpuSeconds, avgCpuPct: 0, peakCpuPct, rssStartMB: 10, rssPeakMB });
    const m = mergeSampled([
      { windowMs: 1000, machineBusyPct: 50, machinePeakBusyPct: 70, processes: { peer: proc(0.5, 60, 100) } },
      { windowMs: 3000, machineBusyPct: 100, machinePeakBusyPct: 100, processes: { peer: proc(1.5, 90, 80) } },
    ]);
    expect(m).toMatchObject({ windowMs: 4000, machineBusyPct: 87.5, machinePeakBusyPct: 100 });
    expect(m.processes.peer).toMatchObject({ cpuSeconds: 2, avgCpuPct: 50, peakCpuPct: 90, rssPeakMB: 100 });
  });
});

describe('CPU per transaction', () => {
  it('sums every sampled process per accepted transaction', () => {
    const r = record('adapter', 'orders', 10, 20, 20, 40, 300);
    r.resources.processes = { a: { pid: 1, cpuSeconds: 0.2, avgCpuPct: 0, peakCpuPct: 0, rssStartMB: null, rssPeakMB: null }, b: { pid: 2, cpuSeconds: 0.1, avgCpuPct: 0, peakCpuPct: 0, rssStartMB: null, rssPeakMB: null } };
    expect(cpuMsPerTx(r)).toBe(15);
  });
});

describe('options', () => {
  it('defaults to both ledgers, the issue’s agent counts and our own network instance', () => {
    const o = parseOptions([], {});
    expect(o.ledgers).toEqual(['fabric', 'embedded']);
    expect(o.agents).toEqual([1, 5, 10, 15, 25, 50, 100, 250, 1000]);
    expect(o).toMatchObject({ runDir: '/tmp/ecch-bench-run', portBase: 19000, network: 'existing', retries: 0, closeSizes: [623, 5000] });
  });

  it('reads flags and the environment, sorting and de-duplicating counts', () => {
    const o = parseOptions(['--ledger', 'fabric', '--agents', '50,1,50', '--close', 'none', '--baseline', 'touch'], { ECCH_RUN_DIR: '/x', ECCH_PORT_BASE: '21000' });
    expect(o).toMatchObject({ ledgers: ['fabric'], agents: [1, 50], closeSizes: [], baselines: ['touch'], runDir: '/x', portBase: 21000 });
  });

  it('refuses unknown flags and bad values before anything runs', () => {
    expect(() => parseOptions(['--agents', '0'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--ledger', 'besu'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--agent', '5'], {})).toThrow(/unknown option/);
    expect(() => parseOptions(['--agents'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--name', '../x'], {})).toThrow(UsageError);
  });
});

describe('limits on work in flight', () => {
  async function peak(run: (task: () => Promise<void>) => Promise<void>, tasks: number): Promise<number> {
    let running = 0;
    let max = 0;
    const task = async () => {
      running += 1;
      max = Math.max(max, running);
      await new Promise((r) => setImmediate(r));
      running -= 1;
    };
    await Promise.all(Array.from({ length: tasks }, () => run(task)));
    return max;
  }

  it('limiter(k) runs at most k calls at once, every call completes, 0 means unbounded', async () => {
    expect(await peak(limiter(3), 20)).toBe(3);
    expect(await peak(limiter(0), 20)).toBe(20);
  });

  it('limiter passes results and errors through and frees its slot on failure', async () => {
    const limit = limiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 42)).resolves.toBe(42);
  });

  it('forEachLimited visits every item once with at most `limit` in flight', async () => {
    const seen: number[] = [];
    let running = 0;
    let max = 0;
    await forEachLimited([...Array(10).keys()], 4, async (item) => {
      running += 1;
      max = Math.max(max, running);
      await new Promise((r) => setImmediate(r));
      seen.push(item);
      running -= 1;
    });
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(max).toBe(4);
  });
});

describe('/proc parsing', () => {
  it('finds utime + stime after a command name containing spaces and parentheses', () => {
    const stat = '4242 (peer node (x) start) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 12 0 100 0 0';
    expect(cpuTicksOf(stat)).toBe(175);
  });

  it('counts idle and iowait as not busy', () => {
    expect(machineTicksOf('cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 1 2 3')).toEqual({ busy: 160, total: 1000 });
  });
});

describe('workload', () => {
  it('orders are deterministic and valid: energy 100..5000 Wh, limit within [S, B] when given', () => {
    expect(orderFor(7, 3)).toEqual(orderFor(7, 3));
    for (let a = 0; a < 500; a++) {
      const o = orderFor(100, a);
      expect(o.energyWh).toBeGreaterThanOrEqual(100);
      expect(o.energyWh).toBeLessThanOrEqual(5000);
      if (o.limitPrice !== undefined) {
        expect(o.limitPrice).toBeGreaterThanOrEqual(40_000);
        expect(o.limitPrice).toBeLessThanOrEqual(130_000);
      }
    }
  });
});
