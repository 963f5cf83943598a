/**
 * Caliper workload: the blind-write baseline. Each agent (a bench identity,
 * ecch.role=bench) sends diagnostics:Touch twice in a row, the same number of
 * transactions per agent as place-then-amend, as `npm run bench`'s baseline does.
 */
import type { TxStatus } from '../caliper-types';
import { TwoSteps } from './two-steps';

export class TouchTwice extends TwoSteps {
  protected firstStep(agent: number): Promise<TxStatus> {
    return this.send(agent, 'diagnostics:Touch', []);
  }

  protected secondStep(agent: number): Promise<TxStatus> {
    return this.send(agent, 'diagnostics:Touch', []);
  }
}

export function createWorkloadModule(): TouchTwice {
  return new TouchTwice();
}
