/**
 * The addresses a sandboxed server must not reach unless its profile names them (pure): loopback, "this
 * host", link-local (the cloud metadata service), the private and shared (CGNAT) ranges. `network` means
 * the internet, as it does for a container on a bridge network. They become `--deny-net`, which Deno checks
 * against the resolved address (so `localhost`, `127.1`, `2130706433` and `[::ffff:127.0.0.1]` are caught
 * too) and which wins over `--allow-net`; an address the profile grants is cut out of the ranges.
 * @module
 */

/** IPv4 ranges denied by default. `0.0.0.0/8` too: a connect to 0.0.0.0 reaches the host's loopback. */
export const LOCAL_RANGES_V4: readonly string[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
];

/**
 * IPv6 addresses denied by default. Deno 2.9 takes no IPv6 CIDR in `--deny-net`, so the unique-local
 * (fc00::/7) and link-local (fe80::/10) ranges cannot be denied as ranges; their best-known members are.
 */
const LOCAL_ADDRESSES_V6: readonly string[] = ["[::1]", "[::]", "[fd00:ec2::254]"];

/** Parses `a.b.c.d[/n]` into a 32-bit start and prefix length. */
function parseCidr(cidr: string): { start: number; bits: number } {
  const [ip = "", bits = "32"] = cidr.split("/");
  const start = ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
  return { start: (start & mask) >>> 0, bits: prefix };
}

function formatCidr(start: number, bits: number): string {
  const ip = [24, 16, 8, 0].map((shift) => (start >>> shift) & 255).join(".");
  return `${ip}/${bits}`;
}

const size = (bits: number) => 2 ** (32 - bits);

/** `range` without `hole` (both IPv4 CIDR blocks or addresses), as the fewest CIDR blocks. */
export function subtractCidr(range: string, hole: string): string[] {
  const r = parseCidr(range);
  const h = parseCidr(hole);
  if (h.start + size(h.bits) <= r.start || r.start + size(r.bits) <= h.start) return [range]; // disjoint
  if (h.bits <= r.bits) return []; // the hole covers the range
  const out: string[] = [];
  // Walk down from the range to the hole, keeping the half that does not hold it at each step.
  let start = r.start;
  for (let bits = r.bits + 1; bits <= h.bits; bits++) {
    const half = size(bits);
    const upper = start + half;
    if (h.start >= upper) {
      out.push(formatCidr(start, bits));
      start = upper;
    } else {
      out.push(formatCidr(upper, bits));
    }
  }
  return out;
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+(?:\/\d+)?$/;

/**
 * The `--deny-net` entries for a server whose allow list is `granted` (Deno forms: hosts, `host:port`,
 * addresses, IPv4 CIDR blocks): the local ranges minus the IPv4 addresses and blocks granted by name, and
 * minus loopback when `localhost` is granted.
 * @example
 * localDenyList(["api.github.com", "127.0.0.1:8080"]); // [..., "127.0.0.0/32", "127.0.0.2/31", ...]
 */
export function localDenyList(granted: readonly string[]): string[] {
  const hosts = granted.map((entry) => entry.startsWith("[") ? entry.replace(/\]:\d+$/, "]") : entry.split(":")[0]!);
  const holes = hosts.filter((h) => IPV4.test(h));
  if (hosts.includes("localhost")) holes.push("127.0.0.0/8");
  let v4 = [...LOCAL_RANGES_V4];
  for (const hole of holes) v4 = v4.flatMap((range) => subtractCidr(range, hole));
  const v6 = LOCAL_ADDRESSES_V6.filter((a) => !hosts.includes(a) && !(a === "[::1]" && hosts.includes("localhost")));
  return [...v4, ...v6];
}
