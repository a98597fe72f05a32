/**
 * IPv6 text in its RFC 5952 canonical form (lower case, no leading zeros, the longest run of
 * two or more zero groups compressed, IPv4-mapped addresses dotted, as Node's `dgram`
 * reports them), so that `2001:DB8:0::1` and `2001:db8::1` name the same simulated host.
 * IPv4 text and addresses with a zone (`%eth0`) are returned unchanged.
 */

export function canonicalIp(address: string): string {
  if (!address.includes(':') || address.includes('%')) return address;
  const groups = parseIpv6Groups(address);
  if (groups === undefined) return address;
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted tail.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  // RFC 5952 §4.2: compress the longest run of zero groups (the first on a tie), if >= 2.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The eight 16-bit groups of IPv6 text, or undefined when it is not IPv6. */
function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const octets = p.split('.').map(Number);
        if (octets.length !== 4 || octets.some((o) => !(Number.isInteger(o) && o >= 0 && o <= 255))) return undefined;
        out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}
