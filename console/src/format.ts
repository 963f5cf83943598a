/** Units as market-rules.md §1 has them (Wh, µ/kWh, µ), shown in kWh and QAR. */
export const kWh = (wh: number): string => `${(wh / 1000).toLocaleString('en', { maximumFractionDigits: 3 })} kWh`;
export const perKWh = (p: number | null | undefined): string => (p === null || p === undefined ? '—' : `${(p / 1e6).toFixed(4)} QAR/kWh`);
export const qar = (m: number): string => `${(m / 1e6).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 6 })} QAR`;
export const when = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').replace(/(:00)?(\.\d{3})?Z$/, 'Z') : '—');
