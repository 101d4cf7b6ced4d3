import { strict as assert } from "node:assert";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { staticHeaders } from "./static_headers.ts";

function config(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "s", image: "s", transport: "sse", port: 8080, ...extra }),
    "test",
  );
}
const noFile = () => Promise.reject(new Error("no such file"));

Deno.test("staticHeaders reads the bearer token and secret headers from env, never from the RunConfig", async () => {
  const headers = await staticHeaders(
    config({
      remote_auth_config: { bearer_token: "TOK,target=bearer_token" },
      header_forward: { add_headers_from_secret: { "X-Key": "KEY" } },
    }),
    { TOOLHIVE_SECRET_TOK: "t0k", TOOLHIVE_SECRET_KEY: "k" },
    noFile,
  );
  assert.deepEqual([...headers], [["authorization", "Bearer t0k"], ["x-key", "k"]]);
  const fromFile = await staticHeaders(
    config({ remote_auth_config: { bearer_token_file: "/run/token" } }),
    {},
    (p) => Promise.resolve(p === "/run/token" ? "f1le\n" : ""),
  );
  assert.equal(fromFile.get("authorization"), "Bearer f1le");
});

Deno.test("staticHeaders leaves header_forward to a remote proxy, which adds it itself", async () => {
  const headers = await staticHeaders(
    config({ remote_url: "https://r.example/mcp", header_forward: { add_plaintext_headers: { "X-A": "1" } } }),
    {},
    noFile,
  );
  assert.equal(headers.size, 0);
});

Deno.test("staticHeaders refuses a literal token, a missing secret, and two sources of one header", async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [
      { remote_auth_config: { bearer_token: "literal-token" } },
      /must be a secret reference "<name>,target=bearer_token"/,
    ],
    [{ remote_auth_config: { bearer_token: "U,target=bearer_token" } }, /needs env TOOLHIVE_SECRET_U: give the proxy/],
    [{ remote_auth_config: { bearer_token_file: "/x" } }, /bearer_token_file \/x cannot be read: no such file/],
    [
      {
        remote_auth_config: { bearer_token: "T,target=bearer_token" },
        header_forward: { add_plaintext_headers: { Authorization: "Bearer x" } },
      },
      /sets header Authorization, which another setting sets too: keep one/,
    ],
  ];
  for (const [extra, message] of cases) {
    await assert.rejects(staticHeaders(config(extra), { TOOLHIVE_SECRET_T: "t" }, noFile), message);
  }
  // The literal token is not echoed in the error.
  await assert.rejects(
    staticHeaders(config({ remote_auth_config: { bearer_token: "literal-token" } }), {}, noFile),
    (e: Error) => !e.message.includes("literal-token"),
  );
});
