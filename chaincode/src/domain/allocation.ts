/**
 * Integer allocation of the internally traded energy (market-rules §6):
 * proportional shares, floor, then the leftover Wh one each by largest remainder
 * (ties: ascending participant id).
 */

export interface Claim {
  participantId: string;
  energyWh: bigint;
}

/**
 * Shares `total` Wh among `claims` in proportion to their energy. Requires
 * total ≤ Σ energy. Returns one integer per claim, in the claims' order.
 */
export function largestRemainder(total: bigint, claims: readonly Claim[]): bigint[] {
  const sum = claims.reduce((acc, c) => acc + c.energyWh, 0n);
  if (total < 0n || total > sum) throw new RangeError(`largestRemainder: ${total} outside [0, ${sum}]`);
  if (sum === 0n) return claims.map(() => 0n);
  const shares = claims.map((c) => (total * c.energyWh) / sum);
  const remainders = claims.map((c) => (total * c.energyWh) % sum);
  let left = total - shares.reduce((a, b) => a + b, 0n);
  // left < claims.length because each floor loses less than one Wh.
  const order = claims
    .map((_c, i) => i)
    .sort((a, b) => {
      if (remainders[a] !== remainders[b]) return remainders[a] > remainders[b] ? -1 : 1;
      const pa = claims[a].participantId;
      const pb = claims[b].participantId;
      return pa < pb ? -1 : pa > pb ? 1 : a - b;
    });
  for (const i of order) {
    if (left === 0n) break;
    shares[i] += 1n;
    left -= 1n;
  }
  return shares;
}
