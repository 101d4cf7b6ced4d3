/**
 * The SSRF check an MCPRemoteProxy's or MCPServerEntry's `spec.remoteUrl` must pass before the operator
 * fronts it (toolhive-crds.md §0.6): literal host check only, no DNS resolution.
 * @module
 */

import { isIP } from "node:net";

/** An address range: a network address as bytes and a prefix length. */
interface Range {
  readonly cidr: string;
  readonly bytes: readonly number[];
  readonly prefix: number;
}

const range = (cidr: string): Range => {
  const [address = "", prefix] = cidr.split("/");
  return { cidr, bytes: addressBytes(address)!, prefix: Number(prefix) };
};

/** Ranges no remote URL may name. */
const ALWAYS_BLOCKED = [
  "0.0.0.0/8",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "::/128",
  "::1/128",
  "fe80::/10",
].map(range);

/** Ranges a remote URL may name only with `allowPrivateEndpoint: true`. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map(range);

/** Host names (and their subdomains) no remote URL may name. */
const BLOCKED_HOSTNAMES = [
  "localhost",
  "kubernetes.default.svc.cluster.local",
  "kubernetes.default.svc",
  "kubernetes.default",
  "metadata.google.internal",
];

/** The in-cluster DNS suffix, allowed only with `allowPrivateEndpoint: true`. */
const CLUSTER_SUFFIX = "cluster.local";

/** Why `remoteUrl` may not be proxied, in ToolHive's words, or undefined when it may. */
export function remoteUrlProblem(remoteUrl: string, allowPrivateEndpoint = false): string | undefined {
  if (remoteUrl === "") return "remote URL must not be empty";
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch (error) {
    return `remote URL is invalid: ${(error as Error).message}`;
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") {
    return `remote URL must use http or https scheme, got "${scheme}"`;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return "remote URL must have a valid host";
  const blocked = hostProblem(host, allowPrivateEndpoint);
  return blocked ? `remote URL host is not allowed: ${blocked}` : undefined;
}

const hostProblem = (host: string, allowPrivate: boolean): string | undefined => {
  const bytes = isIP(host) ? unwrapMapped(addressBytes(host)!) : undefined;
  if (bytes) {
    const ranges = allowPrivate ? ALWAYS_BLOCKED : [...ALWAYS_BLOCKED, ...PRIVATE];
    const hit = ranges.find((r) => contains(r, bytes));
    return hit ? `IP address ${host} falls within blocked range ${hit.cidr}` : undefined;
  }
  const name = host.toLowerCase().replace(/\.$/, "");
  const names = allowPrivate ? BLOCKED_HOSTNAMES : [...BLOCKED_HOSTNAMES, CLUSTER_SUFFIX];
  const hit = names.find((blocked) => name === blocked || name.endsWith(`.${blocked}`));
  return hit ? `hostname "${host}" matches blocked internal hostname "${hit}"` : undefined;
};

const contains = (r: Range, bytes: readonly number[]): boolean => {
  if (r.bytes.length !== bytes.length) return false;
  for (let bit = 0; bit < r.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((r.bytes[bit >> 3]! & mask) !== (bytes[bit >> 3]! & mask)) return false;
  }
  return true;
};

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 bytes; any other address unchanged. */
const unwrapMapped = (bytes: readonly number[]): readonly number[] => {
  if (bytes.length !== 16) return bytes;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
};

/** The bytes of a literal IPv4 or IPv6 address, or undefined when `host` is not one. */
function addressBytes(host: string): number[] | undefined {
  const family = isIP(host);
  if (family === 4) return host.split(".").map(Number);
  if (family !== 6) return undefined;
  let text = host;
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  let tail: number[] = [];
  if (v4) {
    tail = v4.split(".").map(Number);
    text = text.slice(0, -v4.length).replace(/:$/, ":0");
    if (text.endsWith("::0")) text = text.slice(0, -1);
  }
  const [head = "", rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const want = (16 - tail.length) / 2;
  const middle = rest === undefined ? [] : new Array(want - left.length - right.length).fill(0);
  const words = [...left, ...middle, ...right].slice(0, want);
  return [...words.flatMap((w) => [w >> 8, w & 0xff]), ...tail];
}
