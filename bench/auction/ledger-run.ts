/**
 * One ledger's part of the load study. Setup (not measured): the gateway in-process on
 * loopback (bench/concurrency/rest-session.ts: no HTTP retries, read-conflict retries
 * off), max(N) households registered through REST. Then for each N and repetition: the
 * NA opens a fresh auction (owner `grid`, RS1), N households bid once each, all in the
 * same tick, each with its own maximum; every bid is timed from the request to the
 * committed answer. Then, untimed, the ledger's bids are read back (no accepted bid
 * may be missing; a bid whose request failed may still have committed), its count,
 * level and leader must be §5's from the bids it holds, and the auction is cancelled.
 */
import { deriveSeed, mulberry32 } from '../../simulator/src/util/prng';
import { AuctionApi } from '../../simulator/src/vpp/auction-api';
import { classifyRestError } from '../concurrency/classify';
import { currentLoad, type Load } from '../concurrency/machine';
import type { LedgerKind } from '../concurrency/options';
import { openRest } from '../concurrency/rest-session';
import { runRound } from '../concurrency/round';
import { levelOf, pool, roundFigures, type PooledFigures, type RoundFigures } from './figures';
import { ensureBidders } from './households';

export const RESERVE = 70_000;
export const INCREMENT = 1_000;
export const LOT_WH = 10_000;

export interface LedgerCheck {
  /** Bids the ledger holds for the auction (GET …/bids as the NA) and its bidCount. */
  ledgerBids: number;
  bidCount: number;
  /** Accepted bids missing from the ledger: must be 0. */
  lost: number;
  /** Bids whose request failed (e.g. a deadline passed) that the ledger committed all the same. */
  committedAfterFailure: number;
  level: number | null;
  /** §5's level from the ledger's bids. */
  expectedLevel: number | null;
  leaderMaxPrice: number | null;
  highestMaxPrice: number | null;
  /** Nothing accepted was lost, bidCount counts the ledger's bids, the level is §5's from them and the leader holds the highest maximum. */
  ok: boolean;
}

export interface RoundRecord {
  agents: number;
  repetition: number;
  auctionId: string;
  loadBefore: Load;
  loadAfter: Load;
  figures: RoundFigures;
  check: LedgerCheck;
}

export interface LedgerRun {
  ledger: LedgerKind;
  startedAt: string;
  finishedAt: string;
  setupMs: number;
  rounds: RoundRecord[];
  perN: PooledFigures[];
}

/** Agent i's maximum in a round: reserve + a multiple of the increment up to 200 increments, from the seeded PRNG. */
export function maxPriceOf(seed: number, agents: number, repetition: number, agent: number): number {
  return RESERVE + INCREMENT * Math.floor(mulberry32(deriveSeed(seed, 'auction-load', agents, repetition, agent))() * 201);
}

export interface LedgerRunOptions {
  kind: LedgerKind;
  dataDir: string;
  fabricConnection?: string;
  agents: number[];
  repeat: number;
  roundTimeoutMs: number;
  setupConcurrency: number;
  seed: number;
  log: (t: string) => void;
}

export async function runLedger(o: LedgerRunOptions): Promise<LedgerRun> {
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const rest = await openRest(o.kind, o.dataDir, o.fabricConnection, 0);
  try {
    const admin = rest.gateway.adminToken;
    const tokens = await ensureBidders(rest.api, admin, o.dataDir, Math.max(...o.agents), o.setupConcurrency, o.log);
    const ids = tokens.map((_, i) => `h${String(i).padStart(5, '0')}`);
    const auctions = new AuctionApi(rest.api.http);
    const setupMs = Date.now() - t0;
    const tag = Date.now().toString(36);
    const rounds: RoundRecord[] = [];
    for (const n of o.agents) {
      for (let rep = 0; rep < o.repeat; rep++) {
        const auctionId = `load-${tag}-n${n}-r${rep}`;
        const now = Date.now();
        await auctions.create(admin, {
          id: auctionId,
          owner: 'grid',
          lotWh: LOT_WH,
          reservePrice: RESERVE,
          increment: INCREMENT,
          startAt: new Date(now - 60_000).toISOString(),
          endAt: new Date(now + 3_600_000).toISOString(),
          deliveryStart: new Date(now + 7_200_000).toISOString(),
        });
        const maxima = Array.from({ length: n }, (_, i) => maxPriceOf(o.seed, n, rep, i));
        const loadBefore = currentLoad();
        const samples = await runRound({ agents: n, deadlineMs: o.roundTimeoutMs, graceMs: 30_000, classify: classifyRestError }, async (i, tools) => {
          await tools.timed('bid', () => auctions.bid(tokens[i] as string, auctionId, maxima[i] as number, `${auctionId}-${i}`));
        });
        const loadAfter = currentLoad();
        const figures = roundFigures(samples);
        const view = await auctions.get(admin, auctionId);
        const held = await auctions.bids(admin, auctionId);
        const heldBy = new Set(held.map((b) => b.bidderId));
        const accepted = samples.filter((s) => s.ok).map((s) => ids[s.agent] as string);
        const failed = samples.filter((s) => !s.ok && !s.skipped).map((s) => ids[s.agent] as string);
        const heldMaxima = held.map((b) => b.maxPrice);
        const leaderIndex = view.leader === undefined ? -1 : ids.indexOf(view.leader);
        const check: LedgerCheck = {
          ledgerBids: held.length,
          bidCount: view.bidCount,
          lost: accepted.filter((id) => !heldBy.has(id)).length,
          committedAfterFailure: failed.filter((id) => heldBy.has(id)).length,
          level: view.level,
          expectedLevel: levelOf(RESERVE, INCREMENT, heldMaxima),
          leaderMaxPrice: leaderIndex < 0 ? null : (maxima[leaderIndex] as number),
          highestMaxPrice: heldMaxima.length === 0 ? null : Math.max(...heldMaxima),
          ok: false,
        };
        check.ok = check.lost === 0 && check.bidCount === check.ledgerBids && check.level === check.expectedLevel && check.leaderMaxPrice === check.highestMaxPrice;
        await auctions.cancel(admin, auctionId);
        rounds.push({ agents: n, repetition: rep, auctionId, loadBefore, loadAfter, figures, check });
        const fail = Object.entries(figures.failures).map(([k, v]) => `${k}×${v}`).join(' ');
        o.log(
          `${o.kind} N=${n} rep ${rep + 1}/${o.repeat}: ${figures.accepted}/${figures.sent} accepted (${figures.successPct} %), AET ${figures.aetMs} ms, p95 ${figures.p95Ms} ms` +
            `${fail ? `, failures ${fail}` : ''}; ledger holds ${check.ledgerBids} (lost ${check.lost}, committed after a failure ${check.committedAfterFailure}), level ${check.level} (${check.ok ? 'as §5' : 'MISMATCH'}); load ${loadBefore.loadavg[0]} → ${loadAfter.loadavg[0]}`,
        );
      }
    }
    const perN = o.agents.map((n) => pool(n, rounds.filter((r) => r.agents === n).map((r) => r.figures)));
    return { ledger: o.kind, startedAt, finishedAt: new Date().toISOString(), setupMs, rounds, perN };
  } finally {
    await rest.close();
  }
}
