/**
 * Benchmark: a market's clearing (markets:Clear: SDR clearing + settlement, after the
 * gate closure) through the real contracts on the embedded ledger, in-process, for
 * 623, 5,000 and 10,000 orders (10,000 is the most one clearing carries). Prints the
 * time per clearing and the size of its write set; writes bench/results/close.json.
 * A measurement, not a test: nothing is asserted.
 *
 *   npm run bench:close [-- --sizes 623,5000,10000 --repeat 3] [--cpu-profile DIR]
 *
 * --cpu-profile DIR writes a V8 CPU profile of each clearing alone (DIR/close-<n>-<r>.cpuprofile;
 * open it in Chrome DevTools), so setup (identities, registrations, orders) does not drown it.
 */
import '../gateway-api/src/ledger/embedded/shim-logging';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { createEmbeddedLedger } from '../gateway-api/src/ledger/embedded';
import { callOf, LedgerIdentity } from '../gateway-api/src/ledger/port';
import type { TransactionName } from '../chaincode/src/catalogue';
import { createCertificateAuthority, issueIdentity } from '../gateway-api/src/identity/issuer';
import { identityKey } from '../gateway-api/src/identity/identity-key';
import { MAX_CLEARING_ORDERS } from '../chaincode/src/ledger/markets';
import { mulberry32 as prng } from '../simulator/src/util/prng'; // seeded: every run clears the same books

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('sizes', '623,5000,10000').split(',').map(Number);
const repeat = Number(opt('repeat', '3'));
const profileDir = opt('cpu-profile', '');

/** Runs `task` under the V8 CPU profiler when --cpu-profile is given. */
async function profiled<T>(name: string, task: () => Promise<T>): Promise<T> {
  if (profileDir === '') return task();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await task();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(`${profileDir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}


async function main(): Promise<void> {
  const B = 130000;
  const S = 40000;
  const ca = await createCertificateAuthority('bench-ca', 'ECCH bench');
  const na = { label: 'admin', mspId: 'CommunityMSP', ...(await issueIdentity(ca, { commonName: 'admin', attrs: { 'ecch.role': 'na' } })) };
  const results: Record<string, unknown>[] = [];
  for (const n of sizes) {
    let writeBytes = 0;
    let writeKeys = 0;
    const ledger = await createEmbeddedLedger({
      onCommit: (tx) => {
        writeKeys = tx.writeSet.writes.size;
        writeBytes = [...tx.writeSet.writes].reduce((acc, [k, v]) => acc + k.length + (v?.length ?? 0), 0);
      },
    });
    const submit = <C extends 'participants' | 'markets' | 'orders'>(who: LedgerIdentity, contract: C, transaction: TransactionName<C>, ...a: string[]) =>
      ledger.submit(who, callOf(contract, transaction, a));
    process.stderr.write(`[bench] ${n} households: issuing identities and registering ...\n`);
    const households: LedgerIdentity[] = [];
    for (let i = 0; i < n; i++) {
      const id = `h${String(i).padStart(5, '0')}`;
      const issued = await issueIdentity(ca, { commonName: id });
      const who = { label: id, mspId: 'CommunityMSP', ...issued };
      await submit(na, 'participants', 'Register', JSON.stringify({ id, name: id, kind: 'prosumer', identity: identityKey('CommunityMSP', issued.certificate) }));
      households.push(who);
      if ((i + 1) % 1000 === 0) process.stderr.write(`[bench]   ${i + 1}/${n}\n`);
    }
    const times: number[] = [];
    // CPU time of this process during each clearing: on a shared machine, less sensitive to others' load than wall time.
    const cpuTimes: number[] = [];
    // The clearing's own write set (onCommit sees every later commit too).
    let clearKeys = 0;
    let clearBytes = 0;
    let last: { result: { rounds: number; sellPrice: number; buyPrice: number } } | undefined;
    for (let r = 0; r < repeat; r++) {
      const rand = prng(42 + r);
      const marketId = `m${n}-${r}`;
      await submit(na, 'markets', 'Create', JSON.stringify({ id: marketId, deliveryStart: `2026-06-21T${String(10 + r).padStart(2, '0')}:00:00Z`, gridBuyPrice: B, gridSellPrice: S }));
      await submit(na, 'markets', 'Open', marketId);
      process.stderr.write(`[bench] ${n} orders into ${marketId} ...\n`);
      for (const h of households) {
        const side = rand() < 0.45 ? 'sell' : 'buy';
        const body: Record<string, unknown> = { side, energyWh: 1 + Math.floor(rand() * 5000) };
        if (rand() < 0.3) body.limitPrice = S + Math.floor(rand() * (B - S));
        await submit(h, 'orders', 'Place', marketId, JSON.stringify(body));
      }
      await submit(na, 'markets', 'GateClose', marketId);
      const heapBefore = process.memoryUsage().heapUsed;
      let ms = 0;
      // Timed inside the profiled task: stopping the profiler (writing its profile) is not the clearing's time.
      last = JSON.parse(
        await profiled(`close-${n}-${r}`, async () => {
          const t0 = process.hrtime.bigint();
          const cpu0 = process.cpuUsage();
          const answer = await submit(na, 'markets', 'Clear', marketId);
          ms = Number(process.hrtime.bigint() - t0) / 1e6;
          const cpu = process.cpuUsage(cpu0);
          cpuTimes.push((cpu.user + cpu.system) / 1000);
          return answer;
        }),
      );
      times.push(ms);
      clearKeys = writeKeys;
      clearBytes = writeBytes;
      process.stderr.write(`[bench] clearing of ${n} orders: ${ms.toFixed(1)} ms (heap +${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB)\n`);
    }
    let beyond: string | undefined;
    if (n === MAX_CLEARING_ORDERS) {
      // One order more than a clearing carries: refused up front, before any work.
      const extra = { label: 'h-extra', mspId: 'CommunityMSP', ...(await issueIdentity(ca, { commonName: 'h-extra' })) };
      await submit(na, 'participants', 'Register', JSON.stringify({ id: 'h-extra', name: 'h-extra', kind: 'consumer', identity: identityKey('CommunityMSP', extra.certificate) }));
      const marketId = `m${n}-beyond`;
      await submit(na, 'markets', 'Create', JSON.stringify({ id: marketId, deliveryStart: '2026-06-22T10:00:00Z', gridBuyPrice: B, gridSellPrice: S }));
      await submit(na, 'markets', 'Open', marketId);
      for (const h of [...households, extra]) await submit(h, 'orders', 'Place', marketId, JSON.stringify({ side: 'buy', energyWh: 1 }));
      await submit(na, 'markets', 'GateClose', marketId);
      beyond = await submit(na, 'markets', 'Clear', marketId).then(
        () => 'cleared (unexpected)',
        (err: Error) => err.message,
      );
      process.stderr.write(`[bench] clearing of ${n + 1} orders: ${beyond}\n`);
    }
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    results.push({
      orders: n,
      closes: times.length,
      meanMs: Number(mean.toFixed(1)),
      minMs: Number(Math.min(...times).toFixed(1)),
      maxMs: Number(Math.max(...times).toFixed(1)),
      cpuMeanMs: Number((cpuTimes.reduce((a, b) => a + b, 0) / cpuTimes.length).toFixed(1)),
      rounds: last?.result.rounds,
      sellPrice: last?.result.sellPrice,
      buyPrice: last?.result.buyPrice,
      writeSetKeys: clearKeys,
      writeSetBytes: clearBytes,
      heapUsedMB: Number((process.memoryUsage().heapUsed / 1e6).toFixed(1)),
      ...(beyond ? { oneMoreOrder: beyond } : {}),
    });
    await ledger.close();
  }
  // The load average tells a reader how busy the shared machine was during the run.
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    loadAverage1m5m15m: loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.table(results);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/close.json', JSON.stringify({ benchmark: 'markets:Clear (after GateClose) on the embedded ledger (in-process, memory store)', date: new Date().toISOString(), machine, results }, null, 2) + '\n');
  console.log('written bench/results/close.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
