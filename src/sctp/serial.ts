/**
 * Serial number arithmetic (RFC 1982) for 32-bit TSNs (RFC 9260 1.6) and 16-bit SSNs.
 * Values are unsigned numbers; results of additions are wrapped back to unsigned.
 */

/** a < b in TSN space. */
export function tsnLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a <= b in TSN space. */
export function tsnLte(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a - b as a signed distance in TSN space. */
export function tsnDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a < b in 16-bit SSN space. */
export function ssnLt(a: number, b: number): boolean {
  return ((a - b) << 16) >> 16 < 0;
}

export function ssnNext(a: number): number {
  return (a + 1) & 0xffff;
}
