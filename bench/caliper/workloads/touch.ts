/**
 * Caliper workload: the blind-write baseline. Each agent (a bench identity,
 * ecch.role=bench) sends diagnostics:Touch twice in a row, the same number of
 * transactions per agent as place-then-amend, as `npm run bench`'s baseline does.
 */
import { caliperCore, type SutAdapter } from '../caliper-types';
import { share, type RoundArgs } from './round-args';

const { WorkloadModuleBase } = caliperCore();

class TouchTwice extends WorkloadModuleBase {
  private args!: RoundArgs;
  private first = 0;
  private count = 0;
  private next = 0;

  override async initializeWorkloadModule(workerIndex: number, totalWorkers: number, roundIndex: number, roundArguments: unknown, sut: SutAdapter, context: unknown): Promise<void> {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sut, context);
    this.args = roundArguments as RoundArgs;
    ({ first: this.first, count: this.count } = share(this.args.agents, workerIndex, totalWorkers));
  }

  override async submitTransaction(): Promise<void> {
    if (this.next >= this.count) return;
    const who = this.args.identities[this.first + this.next++] as string;
    for (let i = 0; i < 2; i++) {
      await this.sutAdapter.sendRequests({ contractId: this.args.contract, contractFunction: 'diagnostics:Touch', contractArguments: [], invokerIdentity: who, readOnly: false });
    }
  }
}

export function createWorkloadModule(): TouchTwice {
  return new TouchTwice();
}
