/** How the markets of a run clear (mechanisms.md §2–§4, market-rules §5 for sdr). */
export type Mechanism = 'sdr' | 'mmr' | 'uniform' | 'pay-as-bid';
export const MECHANISMS: readonly Mechanism[] = ['sdr', 'mmr', 'uniform', 'pay-as-bid'];
