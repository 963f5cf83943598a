/** JSON text that depends only on the value: 2-space indent, trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Rounds to `digits` decimals so float noise never reaches a committed file. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
