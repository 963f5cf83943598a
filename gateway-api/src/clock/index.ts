/**
 * The gateway's market clock: on unless CLOCK=off, started with the app and stopped
 * when it closes. It signs as the NA (the gateway holds that identity).
 */
import type { GatewayContext } from '../context';
import { MarketClock, type ClockLedger, type ClockLog, type ClockOptions } from './market-clock';

export { MarketClock, type ClockLedger, type ClockLog, type ClockOptions, type StepDone } from './market-clock';

/** What tests may replace: the time source, the timers, the backoff. */
export type ClockOverrides = Partial<Pick<ClockOptions, 'now' | 'sleep' | 'tickMs' | 'backoff'>>;

/** The NA's calls through the gateway's chaincode client. */
export function naClockLedger(gw: GatewayContext): ClockLedger {
  return {
    submit: (contract, transaction, ...args) => gw.chaincode.submit(gw.identities.na, contract, transaction, ...args),
    evaluate: (contract, transaction, ...args) => gw.chaincode.evaluate(gw.identities.na, contract, transaction, ...args),
  };
}

/** Starts the clock unless the configuration turns it off; undefined then. */
export function startMarketClock(gw: GatewayContext, log: ClockLog, overrides: ClockOverrides = {}): MarketClock | undefined {
  if (!gw.config.clock.enabled) return undefined;
  const clock = new MarketClock({ ledger: naClockLedger(gw), log, tickMs: gw.config.clock.tickMs, ...overrides });
  clock.start();
  return clock;
}
