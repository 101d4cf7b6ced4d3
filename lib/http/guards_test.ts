import assert from "node:assert/strict";
import { checkHost, checkOrigin, hostGuard, originGuard, requestHost } from "./guards.ts";
import { errorBoundary, withMiddleware } from "./middleware.ts";

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
const guards = { allowedHosts: ["mcp.example.test"], allowedOrigins: ["https://app.example.test"] };
/** Both checks, in the order the proxies apply their guards: Host, then Origin. */
const checkHostAndOrigin = (req: Request, options: typeof guards) =>
  checkHost(req, options) ?? checkOrigin(req, options);

Deno.test("requestHost is the Host field, else the URL's authority (HTTP/2), else localhost behind the relay", () => {
  assert.equal(requestHost(request("http://127.0.0.1:9/mcp", { host: "mcp.example.test:9" })), "mcp.example.test:9");
  assert.equal(requestHost(request("http://mcp.example.test:9/mcp")), "mcp.example.test:9");
  assert.equal(requestHost(request("http+unix://%2Ftmp%2Fs/mcp")), "localhost");
});

Deno.test("checkHostAndOrigin judges an HTTP/2 request by its :authority, and refuses a bad one with 403", () => {
  assert.equal(checkHostAndOrigin(request("http://localhost:9/mcp"), guards), undefined);
  assert.equal(checkHostAndOrigin(request("http://mcp.example.test:9/mcp"), guards), undefined);
  assert.equal(checkHostAndOrigin(request("http://evil.example.test/mcp"), guards)?.status, 403);
  const badOrigin = request("http://localhost:9/mcp", { origin: "https://evil.example.test" });
  assert.equal(checkHostAndOrigin(badOrigin, guards)?.status, 403);
  const goodOrigin = request("http://localhost:9/mcp", { origin: "https://app.example.test" });
  assert.equal(checkHostAndOrigin(goodOrigin, guards), undefined);
});

Deno.test("hostGuard and originGuard refuse through the error boundary with 403, and pass allowed requests on", async () => {
  const handler = errorBoundary()(
    withMiddleware(() => new Response("served"), hostGuard(guards), originGuard(guards)),
  );
  const served = await handler(request("http://localhost/mcp", { host: "mcp.example.test" }));
  assert.equal(await served.text(), "served");
  const badHost = await handler(request("http://localhost/mcp", { host: "evil.example.test:80" }));
  assert.deepEqual([badHost.status, await badHost.text()], [
    403,
    "Forbidden: Host evil.example.test:80 is not allowed\n",
  ]);
  const badOrigin = await handler(request("http://localhost/mcp", { origin: "null" }));
  assert.deepEqual([badOrigin.status, await badOrigin.text()], [403, "Forbidden: Origin null is not allowed\n"]);
});
