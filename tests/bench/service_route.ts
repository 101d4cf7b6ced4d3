/**
 * Reaching a Service of the test cluster from the host directly: the node is this machine, so a ClusterIP
 * routes here through kube-proxy's rules (DNAT to a ready pod), with no `kubectl port-forward` in the path.
 * The proxy refuses a Host it does not know (its DNS-rebinding guard allows the Service's DNS names and the
 * pod's addresses, not a ClusterIP), and fetch always sends the URL's host as Host; so the request goes to
 * the ClusterIP the way it goes to an HTTP proxy: in absolute form (`POST http://<svc>.<ns>.svc:<port>/mcp`),
 * which carries the Service's DNS name as Host. The TCP path is the same as for any client of the ClusterIP.
 * @module
 */

/** An HTTP route to a Service: the URL to fetch, with the client that sends it to the ClusterIP. */
export interface ServiceRoute {
  /** `http://<service>.<namespace>.svc.cluster.local:<port><path>`. */
  readonly url: string;
  /** A client whose connections all go to `<clusterIP>:<port>`. */
  readonly client: Deno.HttpClient;
}

/** A route to `path` on Service `service` of `namespace`, whose ClusterIP and port are `ip` and `port`. */
export function serviceRoute(
  service: { readonly name: string; readonly namespace: string; readonly ip: string; readonly port: number },
  path: string,
): ServiceRoute {
  const { name, namespace, ip, port } = service;
  return {
    url: `http://${name}.${namespace}.svc.cluster.local:${port}${path}`,
    client: Deno.createHttpClient({ proxy: { url: `http://${ip}:${port}` } }),
  };
}
