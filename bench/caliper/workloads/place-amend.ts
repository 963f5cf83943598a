/**
 * Caliper workload: each agent PLACEs an order and, once it is committed, AMENDs
 * it, as `npm run bench`'s agents do (bench/concurrency/scripts.ts). One Caliper
 * call = one agent: its place and its amend are two transactions in Caliper's
 * statistics (the amend is sent in the same microtask chain as the place's finish,
 * so Caliper's submitted/finished counters stay consistent).
 * init: the NA registers this worker's households (first round) and creates and
 * opens this worker's fresh market; neither is measured.
 */
import { caliperCore, type SutAdapter } from '../caliper-types';
import { limited, mustSubmit, resultText, share, type RoundArgs } from './round-args';

const { WorkloadModuleBase } = caliperCore();

class PlaceThenAmend extends WorkloadModuleBase {
  private args!: RoundArgs;
  private first = 0;
  private count = 0;
  private next = 0;
  private marketId = '';

  override async initializeWorkloadModule(workerIndex: number, totalWorkers: number, roundIndex: number, roundArguments: unknown, sut: SutAdapter, context: unknown): Promise<void> {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sut, context);
    this.args = roundArguments as RoundArgs;
    ({ first: this.first, count: this.count } = share(this.args.agents, workerIndex, totalWorkers));
    const c = this.args.contract;
    const mine = (this.args.register ?? []).filter((_, i) => i % totalWorkers === workerIndex);
    await limited(mine, 25, (profile) => mustSubmit(sut, c, 'na', 'participants:Register', [profile]));
    const market = this.args.markets?.[workerIndex];
    if (!market || !this.args.orders) throw new Error('place-amend needs markets (one per worker) and orders');
    await mustSubmit(sut, c, 'na', 'markets:Create', [JSON.stringify(market)]);
    await mustSubmit(sut, c, 'na', 'markets:Open', [market.id]);
    this.marketId = market.id;
  }

  override async submitTransaction(): Promise<void> {
    if (this.next >= this.count) return;
    const agent = this.first + this.next++;
    const who = this.args.identities[agent] as string;
    const order = this.args.orders?.[agent];
    if (!order) throw new Error(`no order for agent ${agent}`);
    const request = (fn: string, args: string[]) => ({ contractId: this.args.contract, contractFunction: fn, contractArguments: args, invokerIdentity: who, readOnly: false });
    const placed = await this.sutAdapter.sendRequests(request('orders:Place', [this.marketId, JSON.stringify(order)]));
    if (placed.GetStatus() !== 'success') return;
    const orderId = (JSON.parse(resultText(placed.GetResult())) as { order: { id: string } }).order.id;
    const energyWh = order.energyWh >= 5000 ? order.energyWh - 1 : order.energyWh + 1;
    await this.sutAdapter.sendRequests(request('orders:Amend', [this.marketId, orderId, JSON.stringify({ energyWh })]));
  }
}

export function createWorkloadModule(): PlaceThenAmend {
  return new PlaceThenAmend();
}
