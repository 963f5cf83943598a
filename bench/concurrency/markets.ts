/** The NA creates and opens a fresh market for each round, through REST or the adapter. */
import type { GatewayApi } from '../../simulator/src/gateway/api';
import type { AdapterSession } from './adapter-session';
import type { MarketSpec } from './workload';

export type OpenMarket = (spec: MarketSpec) => Promise<void>;

export const openViaRest = (api: GatewayApi, adminToken: string): OpenMarket => async (spec) => {
  await api.createMarket(adminToken, spec);
  await api.openMarket(adminToken, spec.id);
};

export const openViaAdapter = (session: AdapterSession): OpenMarket => async (spec) => {
  await session.submit(session.na, 'markets', 'Create', JSON.stringify(spec));
  await session.submit(session.na, 'markets', 'Open', spec.id);
};
