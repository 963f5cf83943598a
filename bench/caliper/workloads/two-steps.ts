/**
 * What both Caliper workloads share: agent i sends a first transaction and, once it
 * has finished, a second one (place → amend; Touch → Touch), as `npm run bench`'s
 * agents do.
 *
 * Caliper's fixed-number loop (caliper-core CaliperWorker.runFixedNumber) calls
 * submitTransaction until the worker's *submitted* count reaches txNumber / workers,
 * and counts every transaction the connector sends, second steps included. If an
 * early agent's second step were sent before every agent had sent its first, the
 * loop would stop early and the last agents would never run. So a second step waits
 * for the gate: it opens, synchronously, in the call that sends this worker's last
 * first step. Each round's txNumber is N (one call per agent); with every first step
 * sent the loop ends, and Caliper then waits until every transaction submitted,
 * second steps included, has finished (a second step is submitted in the same
 * microtask chain as the finish it follows, before Caliper's next 100 ms poll).
 */
import { caliperCore, type SutAdapter, type TxStatus } from '../caliper-types';
import { share, submitRequest, type RoundArgs } from './round-args';

const { WorkloadModuleBase } = caliperCore();

export abstract class TwoSteps extends WorkloadModuleBase {
  protected args!: RoundArgs;
  private first = 0;
  private count = 0;
  private next = 0;
  private openGate!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.openGate = resolve));

  override async initializeWorkloadModule(workerIndex: number, totalWorkers: number, roundIndex: number, roundArguments: unknown, sut: SutAdapter, context: unknown): Promise<void> {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sut, context);
    this.args = roundArguments as RoundArgs;
    ({ first: this.first, count: this.count } = share(this.args.agents, workerIndex, totalWorkers));
    if (this.count === 0) this.openGate();
  }

  /** Agent `agent`'s first transaction; sendRequests must be called synchronously (Caliper counts it as submitted then). */
  protected abstract firstStep(agent: number): Promise<TxStatus>;
  /** Its second, given the first's status; undefined sends nothing (e.g. the place failed). */
  protected abstract secondStep(agent: number, first: TxStatus): Promise<TxStatus> | undefined;

  override async submitTransaction(): Promise<void> {
    if (this.next >= this.count) return;
    const agent = this.first + this.next++;
    const sent = this.firstStep(agent);
    if (this.next === this.count) this.openGate();
    const status = await sent;
    await this.gate;
    await this.secondStep(agent, status);
  }

  protected send(agent: number, fn: string, args: string[]): Promise<TxStatus> {
    const who = this.args.identities[agent];
    if (who === undefined) throw new Error(`no identity for agent ${agent}`);
    return this.sutAdapter.sendRequests(submitRequest(this.args.contract, who, fn, args));
  }
}
