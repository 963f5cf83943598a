/** RFC 4180 CSV from rows of plain values; columns in the order of the first row's keys. */
export function toCsv(rows: readonly object[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => cell((r as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\n')}\n`;
}
