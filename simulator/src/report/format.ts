/** Human units for reports: Wh → kWh, µ → QAR, ratios → %. */
export const kwh = (wh: number, digits = 1) => (wh / 1000).toFixed(digits);
export const qar = (micro: number, digits = 2) => (micro / 1e6).toFixed(digits);
export const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;
export const price = (microPerKwh: number) => (microPerKwh / 1e6).toFixed(4);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A GitHub-flavoured markdown table. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? 'r') === 'l' ? '---' : '---:'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** "48 h from 2026-06-21 00:00 (Doha)". */
export const window = (c: { hours: number; date: string; fromHour: number }) =>
  `${c.hours} h from ${c.date} ${String(c.fromHour).padStart(2, '0')}:00 (Doha)`;

/** "lot2 S2", plus what differs from the defaults: "lot2 S2 (mmr, battery trade, DR 10 %)". */
export function runTitle(c: { community: string; scenario: string; mechanism?: string; batteryPolicy?: string; demandResponse?: number }): string {
  const v = [
    c.mechanism && c.mechanism !== 'sdr' ? c.mechanism : '',
    c.batteryPolicy && c.batteryPolicy !== 'self' ? `battery ${c.batteryPolicy}` : '',
    c.demandResponse ? `DR ${Math.round(c.demandResponse * 100)} %` : '',
  ].filter(Boolean);
  return `${c.community} ${c.scenario}${v.length ? ` (${v.join(', ')})` : ''}`;
}
