/** Data that reloads when asked and whenever the ledger says something changed. */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { followEvents } from './api';
import { messageOf } from './components';

/** Bumped on ledger events (coalesced); every loader below depends on it. */
export const Tick = createContext(0);

/** Follows GET /v1/events for a session; returns a counter that changes at most ~3 times a second. */
export function useLedgerTick(token: string): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const stop = new AbortController();
    let timer: number | undefined;
    void followEvents(
      token,
      () => {
        if (timer === undefined) timer = window.setTimeout(() => ((timer = undefined), setTick((t) => t + 1)), 300);
      },
      stop.signal,
    );
    return () => {
      stop.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [token]);
  return tick;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const tick = useContext(Tick);
  const [n, setN] = useState(0);
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    load().then(
      (d) => current && (setData(d), setError(undefined)),
      (err: unknown) => current && setError(messageOf(err)),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}
