import assert from "node:assert/strict";
import { checkHost } from "../../lib/http/mod.ts";
import { serviceRoute } from "./service_route.ts";

Deno.test("serviceRoute sends requests to the given address with the Service's DNS name as Host, which the proxy's guard allows", async () => {
  const allowedHosts = ["mcp-x-proxy.ns.svc.cluster.local"];
  const server = Deno.serve({ hostname: "127.0.0.2", port: 0, onListen() {} }, (req) => {
    const refused = checkHost(req, { allowedHosts });
    return new Response(refused ? "refused" : `${req.headers.get("host")} ${new URL(req.url).pathname}`, {
      status: refused ? 403 : 200,
    });
  });
  const port = server.addr.port;
  const route = serviceRoute({ name: "mcp-x-proxy", namespace: "ns", ip: "127.0.0.2", port }, "/mcp");
  try {
    const res = await fetch(route.url, { method: "POST", body: "{}", client: route.client });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `mcp-x-proxy.ns.svc.cluster.local:${port} /mcp`);
    const plain = await fetch(`http://127.0.0.2:${port}/mcp`, { method: "POST", body: "{}" });
    assert.equal(plain.status, 403, "a ClusterIP as Host is refused: the route is what makes the bench's calls pass");
    await plain.body?.cancel();
  } finally {
    route.client.close();
    await server.shutdown();
  }
});
