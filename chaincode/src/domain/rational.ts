/**
 * Exact non-negative rationals over BigInt: market-rules §1 forbids floating point,
 * so every price is kept as num/den until it is published.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** a < b, exactly. */
export function lt(a: Rational, b: Rational): boolean {
  return a.num * b.den < b.num * a.den;
}

/** a > b, exactly. */
export function gt(a: Rational, b: Rational): boolean {
  return lt(b, a);
}

/** Nearest integer, halves rounded up (towards +∞): market-rules §5 and §7. */
export function roundHalfUp(r: Rational): bigint {
  // floor((2·num + den) / (2·den)), with floor correct for negative numerators too.
  const n = 2n * r.num + r.den;
  const d = 2n * r.den;
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** num/den rounded half up, for plain integer quotients. */
export function divRoundHalfUp(num: bigint, den: bigint): bigint {
  return roundHalfUp(rational(num, den));
}

/** A decimal string with `places` digits, halves up (used to publish the SDR). */
export function toDecimalString(r: Rational, places: number): string {
  const scale = 10n ** BigInt(places);
  const scaled = roundHalfUp(rational(r.num * scale, r.den));
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(places, '0');
  return `${neg ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
}
