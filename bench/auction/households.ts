/**
 * The bidders: households h00000.. registered by the NA through REST once per
 * DATA_DIR (setup, not measured; tokens kept in DATA_DIR/bench-households.json, as
 * bench/concurrency/households.ts keeps them). Unlike the measured bids, a
 * registration the gateway answers 503 (its certificate authority busy on a loaded
 * machine; nothing was written) is tried again after a pause.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayApi } from '../../simulator/src/gateway/api';
import { ApiError } from '../../simulator/src/gateway/http';
import { restHouseholdId } from '../concurrency/households';
import { forEachLimited } from '../concurrency/pool';

const ATTEMPTS = 8;

export async function ensureBidders(api: GatewayApi, adminToken: string, dataDir: string, count: number, concurrency: number, log: (t: string) => void): Promise<string[]> {
  const file = path.join(dataDir, 'bench-households.json');
  const tokens: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const missing = Array.from({ length: count }, (_, i) => restHouseholdId(i)).filter((id) => !tokens[id]);
  if (missing.length > 0) log(`registering ${missing.length} households through REST (setup, not measured)`);
  let done = 0;
  let retried = 0;
  try {
    await forEachLimited(missing, concurrency, async (id) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const { token } = await api.registerParticipant(adminToken, { id, name: `Bench household ${id}`, kind: 'prosumer', pvKwp: 3 });
          tokens[id] = token;
          break;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 503) || attempt >= ATTEMPTS) throw err;
          retried += 1;
          await sleep(500 * 2 ** Math.min(attempt, 5));
        }
      }
      done += 1;
      if (done % 100 === 0 || done === missing.length) log(`  registered ${done}/${missing.length} (${retried} retried after 503)`);
    });
  } finally {
    writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  }
  return Array.from({ length: count }, (_, i) => tokens[restHouseholdId(i)] as string);
}
