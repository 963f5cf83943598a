/**
 * Runs N agents at once and times every request they make. Each agent is a small
 * script (e.g. place, then amend its own order); all N start in the same tick, as
 * the seed study's agents bid at once. The round is bounded: a request still
 * unanswered at the deadline is recorded as ROUND_TIMEOUT and the next requests of
 * its agent are not sent (ROUND_DEADLINE), so a stuck round reports instead of hanging.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sample } from './sample';

/** Times `fn` as one request of operation `op`; resolves undefined when it failed. */
export type Timed = <T>(op: string, fn: () => Promise<T>) => Promise<T | undefined>;

export interface AgentTools {
  timed: Timed;
  /** Records a request the agent could not send because an earlier one failed. */
  skip(op: string, code: string): void;
}

export type AgentScript = (agent: number, tools: AgentTools) => Promise<void>;

export interface Failure {
  code: string;
  detail: string;
}

export interface RoundOptions {
  agents: number;
  deadlineMs: number;
  /** After the deadline, how long to wait for abandoned requests so they do not load the next round. */
  graceMs: number;
  classify(err: unknown): Failure;
}

const TIMEOUT = Symbol('round timeout');

export async function runRound(o: RoundOptions, script: AgentScript): Promise<Sample[]> {
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const t0 = performance.now();
  const deadline = t0 + o.deadlineMs;
  const now = () => performance.now() - t0;

  const tools = (agent: number): AgentTools => ({
    skip: (op, code) => samples.push({ op, agent, ok: false, skipped: true, code, startMs: now(), endMs: now() }),
    timed: async <T>(op: string, fn: () => Promise<T>): Promise<T | undefined> => {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        samples.push({ op, agent, ok: false, skipped: true, code: 'ROUND_DEADLINE', startMs: now(), endMs: now() });
        return undefined;
      }
      const startMs = now();
      const request = fn();
      inFlight.add(request);
      request.then(() => inFlight.delete(request), () => inFlight.delete(request));
      const timer = new AbortController();
      try {
        const outcome = await Promise.race([request, sleep(remaining, TIMEOUT, { signal: timer.signal })]);
        if (outcome === TIMEOUT) {
          samples.push({ op, agent, ok: false, code: 'ROUND_TIMEOUT', detail: `no answer within the round deadline (${o.deadlineMs} ms)`, startMs, endMs: now() });
          return undefined;
        }
        samples.push({ op, agent, ok: true, startMs, endMs: now() });
        return outcome as T;
      } catch (err) {
        const f = o.classify(err);
        samples.push({ op, agent, ok: false, code: f.code, detail: f.detail, startMs, endMs: now() });
        return undefined;
      } finally {
        timer.abort();
      }
    },
  });

  await Promise.all(Array.from({ length: o.agents }, (_, i) => script(i, tools(i))));
  if (inFlight.size > 0) {
    await Promise.race([Promise.allSettled([...inFlight]), sleep(o.graceMs)]);
  }
  return samples;
}
