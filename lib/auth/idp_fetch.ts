/**
 * Requests to the identity provider (discovery, JWKS, introspection): over TLS trusting a configured CA
 * bundle (`Deno.createHttpClient`), with the bearer token of a file on discovery and JWKS fetches (a
 * Kubernetes API server wants the pod's service-account token there; the file is read at each fetch, as
 * projected tokens rotate), and refusing private addresses unless AllowPrivateIP is set (loopback is
 * allowed, as for HTTP).
 * @module
 */
import { isLoopbackHost } from "./settings.ts";

/** A fetch towards the identity provider. */
export type IdpFetch = (url: string, init?: RequestInit & { readonly bearer?: boolean }) => Promise<Response>;

/** Options of {@linkcode idpFetch}. */
export interface IdpFetchOptions {
  /** The fetch underneath (default the global one). */
  readonly fetch?: typeof fetch;
  /** PEM text of CAs to trust besides the system's. */
  readonly caPem?: string;
  /** Reads the bearer token; undefined: none is sent. */
  readonly bearerToken?: () => Promise<string>;
  /** Whether hosts on private addresses may be reached. */
  readonly allowPrivateIp: boolean;
  /** Resolves a host name (default `Deno.resolveDns`, A and AAAA). */
  readonly resolve?: (host: string) => Promise<string[]>;
}

/** Whether `ip` is in a private, link-local or unique-local range (loopback is not counted). */
export function isPrivateAddress(ip: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127) || a === 0;
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith("::ffff:")) return isPrivateAddress(v6.slice(7));
  return /^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6);
}

async function resolveHost(host: string): Promise<string[]> {
  const found = await Promise.all(
    (["A", "AAAA"] as const).map((t) => Deno.resolveDns(host, t).catch(() => [] as string[])),
  );
  return found.flat();
}

/** A fetch for the identity provider with `options` applied; `close` releases the TLS client. */
export function idpFetch(options: IdpFetchOptions): { fetch: IdpFetch; close(): void } {
  const base = options.fetch ?? fetch;
  const client = options.caPem ? Deno.createHttpClient({ caCerts: [options.caPem] }) : undefined;
  const resolve = options.resolve ?? resolveHost;
  const checked = new Map<string, Promise<void>>();
  const checkHost = (host: string): Promise<void> => {
    if (options.allowPrivateIp || isLoopbackHost(host)) return Promise.resolve();
    let check = checked.get(host);
    if (!check) {
      const literal = host.replace(/^\[|\]$/g, "");
      check = (/^[\d.]+$/.test(literal) || literal.includes(":") ? Promise.resolve([literal]) : resolve(host))
        .then((ips) => {
          const bad = ips.find(isPrivateAddress);
          if (bad) {
            throw new Error(
              `The identity provider host ${host} is on the private address ${bad}: set oidc_config.AllowPrivateIP ` +
                `to reach it`,
            );
          }
        });
      checked.set(host, check);
      check.catch(() => checked.delete(host));
    }
    return check;
  };
  return {
    async fetch(url, init = {}) {
      await checkHost(new URL(url).hostname);
      const { bearer, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (bearer && options.bearerToken) headers.set("authorization", `Bearer ${(await options.bearerToken()).trim()}`);
      return await base(url, {
        ...rest,
        headers,
        signal: rest.signal ?? AbortSignal.timeout(10_000),
        ...(client ? { client } : {}),
      } as RequestInit);
    },
    close: () => client?.close(),
  };
}
