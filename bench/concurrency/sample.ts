/** One timed request of one agent: the raw material every figure is computed from. */
export interface Sample {
  /** 'place' | 'amend' | 'touch' | 'ping' | ... */
  op: string;
  agent: number;
  ok: boolean;
  /** ms since the round started (performance.now based). */
  startMs: number;
  endMs: number;
  /** Why it failed: the ledger's/API's error code, or TIMEOUT, UNAVAILABLE:..., HTTP_5xx. */
  code?: string;
  /** The failure's message, kept so the report can quote one example per code. */
  detail?: string;
  /** Not sent at all (e.g. an amend whose place failed): counted apart from attempts. */
  skipped?: boolean;
}

export const latencyOf = (s: Sample): number => s.endMs - s.startMs;
