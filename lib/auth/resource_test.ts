import { strict as assert } from "node:assert";
import type { AuthSettings } from "./settings.ts";
import { clientOrigin, metadataRoute, unauthorized } from "./resource.ts";

const SETTINGS: AuthSettings = {
  issuer: "https://idp.example",
  audience: "a",
  allowPrivateIp: false,
  scopes: [],
  trustProxyHeaders: false,
};

const req = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  new Request(url, { method, headers });

Deno.test("the client's origin is its Host, or the forwarded one only behind a trusted ingress", () => {
  const forwarded = { host: "10.0.0.5:8080", "x-forwarded-proto": "https", "x-forwarded-host": "mcp.example.com" };
  assert.equal(clientOrigin(req("http://10.0.0.5:8080/mcp", forwarded), false), "http://10.0.0.5:8080");
  assert.equal(clientOrigin(req("http://10.0.0.5:8080/mcp", forwarded), true), "https://mcp.example.com");
  assert.equal(clientOrigin(req("http+unix://%2Ftmp%2Fs/mcp", { host: "127.0.0.1:9" }), false), "http://127.0.0.1:9");
});

Deno.test("the metadata route answers GET under the well-known path only, and takes the resource from the path", async () => {
  const route = metadataRoute({ ...SETTINGS, scopes: ["mcp:tools"] }, "/mcp");
  assert.equal(route("/mcp", req("http://h/mcp")), undefined);
  assert.equal(route("/.well-known/oauth-protected-resourcex", req("http://h/x")), undefined);
  const doc = await route("/.well-known/oauth-protected-resource/sse", req("http://h/x", { host: "h:1" }))!.json();
  assert.deepEqual(doc, {
    resource: "http://h:1/sse",
    authorization_servers: ["https://idp.example"],
    bearer_methods_supported: ["header"],
    scopes_supported: ["mcp:tools"],
  });
  assert.equal(route("/.well-known/oauth-protected-resource", req("http://h/x", {}, "POST"))!.status, 405);
  const configured = metadataRoute({ ...SETTINGS, resourceUrl: "https://mcp.example.com/mcp" }, "/mcp");
  const fixed = await configured("/.well-known/oauth-protected-resource", req("http://h/x"))!.json();
  assert.equal(fixed.resource, "https://mcp.example.com/mcp");
  assert.deepEqual(fixed.scopes_supported, ["openid"]);
});

Deno.test("the challenge quotes what it says and points at the metadata of the configured resource's path", async () => {
  const res = unauthorized(
    { ...SETTINGS, resourceUrl: "https://mcp.example.com/servers/fetch", scopes: ["a", "b"] },
    req("http://h/mcp", { host: "proxy:8080" }),
    { mcpPath: "/mcp", reason: 'a "quoted" reason', id: 7 },
  );
  assert.equal(res.status, 401);
  assert.equal(
    res.headers.get("www-authenticate"),
    'Bearer resource_metadata="http://proxy:8080/.well-known/oauth-protected-resource/servers/fetch", ' +
      'error="invalid_token", error_description="a \\"quoted\\" reason", scope="a b"',
  );
  assert.deepEqual(await res.json(), {
    jsonrpc: "2.0",
    id: 7,
    error: { code: -32001, message: 'Unauthorized: a "quoted" reason' },
  });
});
