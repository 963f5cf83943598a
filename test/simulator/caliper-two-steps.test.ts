/**
 * The Caliper workloads' two steps per agent under Caliper's own fixed-number loop
 * (caliper-core CaliperWorker.runFixedNumber, called as it is, with a connector
 * built on caliper-core's ConnectorBase, whose sendRequests counts a transaction as
 * submitted when it is sent). The fake ledger answers in a few ms while the rate
 * controller spaces the calls wider, so early agents' first steps finish before the
 * last agents have been called: the case where counting second steps as submitted
 * could end the loop early (bench/caliper/workloads/two-steps.ts).
 */
import { PlaceThenAmend } from '../../bench/caliper/workloads/place-amend';
import { TouchTwice } from '../../bench/caliper/workloads/touch';
import type { RoundArgs } from '../../bench/caliper/workloads/round-args';
import type { CaliperRequest } from '../../bench/caliper/caliper-types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('@hyperledger/caliper-core') as {
  ConnectorBase: new (workerIndex: number, bcType: string) => object;
  CaliperWorker: { prototype: { runFixedNumber(this: unknown, module: unknown, n: number, rate: unknown): Promise<void>; setImmediatePromise(f: () => void): Promise<void> } };
  TxStatus: new () => { SetStatusSuccess(): void; SetStatusFail(): void; SetResult(r: unknown): void; GetStatus(): string; GetResult(): unknown };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ledger that answers each request after `latencyMs`, remembering what it was sent. */
class FakeLedger extends core.ConnectorBase {
  readonly sent: CaliperRequest[] = [];
  submitted = 0;
  finished = 0;
  constructor(private readonly latencyMs: number) {
    super(0, 'fake');
    const events = this as unknown as { on(e: string, f: (x: unknown) => void): void };
    events.on('txsSubmitted', (n) => (this.submitted += n as number));
    events.on('txsFinished', () => (this.finished += 1));
  }
  /** Caliper prepares a round (init) before it activates the round's statistics. */
  forgetSetup() {
    this.sent.length = 0;
    this.submitted = 0;
    this.finished = 0;
  }
  async _sendSingleRequest(request: CaliperRequest) {
    this.sent.push(request);
    await sleep(this.latencyMs);
    const status = new core.TxStatus();
    status.SetStatusSuccess();
    const placed = request.contractFunction === 'orders:Place';
    status.SetResult(Buffer.from(placed ? JSON.stringify({ order: { id: `o-${request.invokerIdentity}` } }) : '{}'));
    return status;
  }
}

/** Caliper's loop for one worker, its statistics read from the connector's events. */
async function runRound(module: { submitTransaction(): Promise<void> }, ledger: FakeLedger, txNumber: number, spacingMs: number) {
  const worker = {
    internalTxObserver: { getCurrentStatistics: () => ({ getTotalSubmittedTx: () => ledger.submitted, getTotalFinishedTx: () => ledger.finished }) },
    setImmediatePromise: core.CaliperWorker.prototype.setImmediatePromise,
  };
  await core.CaliperWorker.prototype.runFixedNumber.call(worker, module, txNumber, { applyRateControl: () => sleep(spacingMs) });
}

const N = 12;
const identities = Array.from({ length: N }, (_, i) => `h${i}`);

describe('Caliper two-step workloads under caliper-core runFixedNumber', () => {
  it('place-amend: every agent places once and amends its own order once, though places finish before the last calls', async () => {
    const ledger = new FakeLedger(2);
    const module = new PlaceThenAmend();
    const args: RoundArgs = {
      contract: 'ecch',
      agents: N,
      identities,
      orders: identities.map((_, i) => ({ clientOrderId: `c${i}`, side: i % 2 ? 'SELL' : 'BUY', energyWh: 1000 + i }) as never),
      markets: [{ id: 'm1' } as never],
    };
    await module.initializeWorkloadModule(0, 1, 0, args, ledger as never, {});
    ledger.forgetSetup();
    await runRound(module, ledger, N, 8);

    const places = ledger.sent.filter((r) => r.contractFunction === 'orders:Place');
    const amends = ledger.sent.filter((r) => r.contractFunction === 'orders:Amend');
    expect(places.map((r) => r.invokerIdentity)).toEqual(identities);
    expect(amends.map((r) => r.invokerIdentity).sort()).toEqual([...identities].sort());
    for (const a of amends) {
      const i = identities.indexOf(a.invokerIdentity);
      expect(a.contractArguments).toEqual(['m1', `o-h${i}`, JSON.stringify({ energyWh: 1000 + i + 1 })]);
    }
    // Caliper waited for the amends too: nothing in flight when the round returned.
    expect(ledger.finished).toBe(2 * N);
    expect(ledger.submitted).toBe(2 * N);
  });

  it('touch: every agent sends Touch exactly twice, the second after every first was sent', async () => {
    const ledger = new FakeLedger(2);
    const module = new TouchTwice();
    await module.initializeWorkloadModule(0, 1, 0, { contract: 'ecch', agents: N, identities } satisfies RoundArgs, ledger as never, {});
    await runRound(module, ledger, N, 8);

    const firstSecond = ledger.sent.map((r) => r.invokerIdentity);
    expect(firstSecond.slice(0, N)).toEqual(identities);
    expect(firstSecond.slice(N).sort()).toEqual([...identities].sort());
    expect(ledger.sent.every((r) => r.contractFunction === 'diagnostics:Touch')).toBe(true);
    expect(ledger.finished).toBe(2 * N);
  });

  it('a failed place sends no amend, and the round still ends', async () => {
    const ledger = new FakeLedger(1);
    const failing = ledger as unknown as { _sendSingleRequest(r: CaliperRequest): Promise<unknown> };
    const real = failing._sendSingleRequest.bind(ledger);
    failing._sendSingleRequest = async (r) => {
      if (r.invokerIdentity !== 'h3') return real(r);
      ledger.sent.push(r);
      const status = new core.TxStatus();
      status.SetStatusFail();
      return status;
    };
    const module = new PlaceThenAmend();
    const args: RoundArgs = { contract: 'ecch', agents: 4, identities: identities.slice(0, 4), orders: [0, 1, 2, 3].map((i) => ({ energyWh: 10 + i }) as never), markets: [{ id: 'm2' } as never] };
    await module.initializeWorkloadModule(0, 1, 0, args, ledger as never, {});
    ledger.forgetSetup();
    await runRound(module, ledger, 4, 3);
    expect(ledger.sent.filter((r) => r.contractFunction === 'orders:Amend').map((r) => r.invokerIdentity).sort()).toEqual(['h0', 'h1', 'h2']);
    expect(ledger.finished).toBe(ledger.submitted);
  });
});
