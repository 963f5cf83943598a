/**
 * The gateway started in-process through its public entry, `startGateway` of
 * gateway-api/src/index.ts. Loaded at run time from the source (tsx or ts-jest
 * compile it) so the simulator never runs a stale gateway build.
 */
import { resolve } from 'node:path';

// Types only: erased at compile time, so the gateway itself is still loaded from source below.
export type { GatewayOptions, RunningGateway } from '../../../gateway-api/src/index';
import type { GatewayOptions, RunningGateway } from '../../../gateway-api/src/index';

export type StartGateway = (o: GatewayOptions) => Promise<RunningGateway>;

export const GATEWAY_ENTRY = resolve(__dirname, '../../../gateway-api/src/index');

export function loadStartGateway(entry: string = GATEWAY_ENTRY): StartGateway {
  let mod: { startGateway?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(entry) as { startGateway?: unknown };
  } catch (err) {
    throw new Error(`cannot load the gateway from ${entry}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof mod.startGateway !== 'function') throw new Error(`${entry} does not export startGateway(options)`);
  return mod.startGateway as StartGateway;
}
