/** Runs `task` over `items` with at most `limit` in flight: setup work, never measured. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * At most `limit` calls of the returned wrapper run at once; the others wait in
 * FIFO order. `limit` 0 means no limit.
 */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  if (limit <= 0) return (fn) => fn();
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
