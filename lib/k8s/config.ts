/**
 * Where the Kubernetes credentials come from: an explicit kubeconfig, the in-cluster service account, or
 * the usual kubeconfig lookup (KUBECONFIG, then ~/.kube/config); and the one HTTP client (Deno's fetch, with
 * the cluster's CA and any client certificate) every request of a role goes through. Read here, not with
 * client-node, whose models cost an operator about 75 MiB it does not use; only a kubeconfig whose user
 * runs an `exec` or `auth-provider` plugin loads client-node, to run the plugin.
 * @module
 */
import { parse } from "yaml";

/** What a role needs to reach one API server. */
export interface ClusterConfig {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  /** The HTTP client with the cluster's CA (and client certificate); shared, keep-alive. */
  readonly httpClient: Deno.HttpClient;
  /** The namespace of the current context (or the service account's), when there is one. */
  readonly namespace?: string;
  /** Headers that authenticate a request (a bearer token, read fresh each time from a token file or plugin). */
  authHeaders(): Promise<Record<string, string>>;
}

/** Options of {@linkcode loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /** A kubeconfig file; first when given. */
  readonly kubeconfigPath?: string;
  /** Use the in-cluster service account when no path is given. */
  readonly inCluster: boolean;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

// deno-lint-ignore no-explicit-any
type Yaml = any;

const readText = (path: string) => Deno.readTextFileSync(path);
const fromBase64 = (data: string) => new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));

function inClusterConfig(): ClusterConfig {
  const host = Deno.env.get("KUBERNETES_SERVICE_HOST");
  const port = Deno.env.get("KUBERNETES_SERVICE_PORT");
  if (!host || !port) throw new Error("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  const ca = readText(`${SA_DIR}/ca.crt`);
  const namespace = (() => {
    try {
      return readText(`${SA_DIR}/namespace`).trim();
    } catch {
      return undefined;
    }
  })();
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    httpClient: Deno.createHttpClient({ caCerts: [ca] }),
    ...(namespace ? { namespace } : {}),
    // The kubelet rotates the projected token: read it for every request (a page-cache read).
    authHeaders: () => Promise.resolve({ authorization: `Bearer ${readText(`${SA_DIR}/token`).trim()}` }),
  };
}

/** A kubeconfig's file-or-data field: `name-data` (base64) or `name` (a path relative to the file). */
function fileOrData(entry: Yaml, name: string, dir: string): string | undefined {
  if (entry?.[`${name}-data`]) return fromBase64(entry[`${name}-data`]);
  const path = entry?.[name];
  if (!path) return undefined;
  return readText(path.startsWith("/") ? path : `${dir}/${path}`);
}

function fileConfig(path: string): ClusterConfig {
  const doc: Yaml = parse(readText(path));
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const contextName = doc?.["current-context"];
  const context = (doc?.contexts ?? []).find((c: Yaml) => c.name === contextName)?.context;
  if (!context) throw new Error(`current-context "${contextName ?? ""}" is not among the contexts`);
  const cluster = (doc.clusters ?? []).find((c: Yaml) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`cluster "${context.cluster}" of the current context has no server`);
  const user = (doc.users ?? []).find((u: Yaml) => u.name === context.user)?.user ?? {};
  // Fail closed: Deno's client verifies every certificate, and a setting it cannot honour is refused, not skipped.
  if (cluster["insecure-skip-tls-verify"]) {
    throw new Error(
      `cluster "${context.cluster}": insecure-skip-tls-verify is not supported: give its certificate-authority`,
    );
  }
  if (cluster["tls-server-name"]) {
    throw new Error(
      `cluster "${context.cluster}": tls-server-name is not supported: use a server URL its certificate names`,
    );
  }
  const ca = fileOrData(cluster, "certificate-authority", dir);
  const cert = fileOrData(user, "client-certificate", dir);
  const key = fileOrData(user, "client-key", dir);
  const httpClient = Deno.createHttpClient({
    ...(ca ? { caCerts: [ca] } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(cluster["proxy-url"] ? { proxy: { url: cluster["proxy-url"] } } : {}),
  });
  let authHeaders: () => Promise<Record<string, string>>;
  if (user.exec || user["auth-provider"]) {
    authHeaders = pluginHeaders(path);
  } else if (user.token) {
    authHeaders = () => Promise.resolve({ authorization: `Bearer ${user.token}` });
  } else if (user.tokenFile) {
    const tokenFile = String(user.tokenFile).startsWith("/") ? user.tokenFile : `${dir}/${user.tokenFile}`;
    authHeaders = () => Promise.resolve({ authorization: `Bearer ${readText(tokenFile).trim()}` });
  } else if (user.username) {
    const basic = btoa(`${user.username}:${user.password ?? ""}`);
    authHeaders = () => Promise.resolve({ authorization: `Basic ${basic}` });
  } else {
    authHeaders = () => Promise.resolve({});
  }
  return {
    server: String(cluster.server).replace(/\/$/, ""),
    httpClient,
    ...(context.namespace ? { namespace: context.namespace } : {}),
    authHeaders,
  };
}

/** Headers from an `exec` or `auth-provider` plugin, run by client-node (loaded only for such a kubeconfig). */
function pluginHeaders(path: string): () => Promise<Record<string, string>> {
  let config: Promise<{ applyToFetchOptions(o: object): Promise<{ headers?: unknown }> }> | undefined;
  return async () => {
    config ??= import("@kubernetes/client-node").then(({ KubeConfig }) => {
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      return kc;
    });
    const init = await (await config).applyToFetchOptions({});
    const headers: Record<string, string> = {};
    (init.headers as { forEach(f: (v: string, k: string) => void): void } | undefined)?.forEach((v, k) => {
      if (k.toLowerCase() === "authorization") headers.authorization = v;
    });
    return headers;
  };
}

/** Loads credentials: `kubeconfigPath` first, else in-cluster when `inCluster`, else the default lookup. */
export function loadKubeConfig(options: LoadKubeConfigOptions): ClusterConfig {
  const fromEnv = Deno.env.get("KUBECONFIG")?.split(":").find((p) => p.length > 0);
  const home = Deno.env.get("HOME");
  const path = options.kubeconfigPath ??
    (options.inCluster ? undefined : fromEnv ?? (home ? `${home}/.kube/config` : undefined));
  const source = options.kubeconfigPath ??
    (options.inCluster ? "the in-cluster service account" : path ?? "KUBECONFIG");
  if (!options.inCluster && !path) {
    throw new Error("No Kubernetes cluster configured: pass --kubeconfig, set KUBECONFIG, or run inside a cluster");
  }
  try {
    return path ? fileConfig(path) : inClusterConfig();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && !options.kubeconfigPath && !options.inCluster) {
      throw new Error("No Kubernetes cluster configured: pass --kubeconfig, set KUBECONFIG, or run inside a cluster", {
        cause: e,
      });
    }
    throw new Error(`Cannot load Kubernetes credentials from ${source}: ${(e as Error).message}`, { cause: e });
  }
}
