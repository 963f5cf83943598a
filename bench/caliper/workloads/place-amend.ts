/**
 * Caliper workload: each agent PLACEs an order and, once it is committed, AMENDs
 * it, as `npm run bench`'s agents do (bench/concurrency/scripts.ts). One Caliper
 * call = one agent; its place and its amend are two transactions in Caliper's
 * statistics (two-steps.ts: why the amend waits for every place to be sent).
 * init: the NA registers this worker's households (first round) and creates and
 * opens this worker's fresh market; neither is measured.
 */
import type { SutAdapter, TxStatus } from '../caliper-types';
import { limited, mustSubmit, resultText } from './round-args';
import { TwoSteps } from './two-steps';

export class PlaceThenAmend extends TwoSteps {
  private marketId = '';

  override async initializeWorkloadModule(workerIndex: number, totalWorkers: number, roundIndex: number, roundArguments: unknown, sut: SutAdapter, context: unknown): Promise<void> {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sut, context);
    const c = this.args.contract;
    const mine = (this.args.register ?? []).filter((_, i) => i % totalWorkers === workerIndex);
    await limited(mine, 25, (profile) => mustSubmit(sut, c, 'na', 'participants:Register', [profile]));
    const market = this.args.markets?.[workerIndex];
    if (!market || !this.args.orders) throw new Error('place-amend needs markets (one per worker) and orders');
    await mustSubmit(sut, c, 'na', 'markets:Create', [JSON.stringify(market)]);
    await mustSubmit(sut, c, 'na', 'markets:Open', [market.id]);
    this.marketId = market.id;
  }

  private order(agent: number) {
    const order = this.args.orders?.[agent];
    if (!order) throw new Error(`no order for agent ${agent}`);
    return order;
  }

  protected firstStep(agent: number): Promise<TxStatus> {
    return this.send(agent, 'orders:Place', [this.marketId, JSON.stringify(this.order(agent))]);
  }

  protected secondStep(agent: number, placed: TxStatus): Promise<TxStatus> | undefined {
    if (placed.GetStatus() !== 'success') return undefined;
    const orderId = (JSON.parse(resultText(placed.GetResult())) as { order: { id: string } }).order.id;
    const { energyWh } = this.order(agent);
    return this.send(agent, 'orders:Amend', [this.marketId, orderId, JSON.stringify({ energyWh: energyWh >= 5000 ? energyWh - 1 : energyWh + 1 })]);
  }
}

export function createWorkloadModule(): PlaceThenAmend {
  return new PlaceThenAmend();
}
