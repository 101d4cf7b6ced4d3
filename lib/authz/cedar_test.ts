import { strict as assert } from "node:assert";
import type { Identity } from "../mcp_call/mod.ts";
import { createCedarAuthorizer } from "./cedar.ts";
import { argumentAttributes, cedarValue, claimAttributes } from "./cedar_values.ts";

const who = (subject: string, claims: Record<string, unknown> = {}): Identity => ({
  subject,
  claims: { sub: subject, ...claims },
  anonymous: false,
});
const cedar = (policies: string[], extra: Record<string, unknown> = {}) =>
  createCedarAuthorizer({ policies, ...extra }, { serverName: "fetch", source: "test" });

Deno.test("claims become claim_ attributes: arrays as sets, objects as records, null and entity look-alikes left out", () => {
  assert.deepEqual(
    claimAttributes({
      sub: "a",
      groups: ["eng", 1],
      n: 3,
      f: 1.5,
      o: { a: { b: true } },
      z: null,
      e: { __entity: {} },
    }),
    {
      claim_sub: "a",
      claim_groups: ["eng", 1],
      claim_n: 3,
      claim_f: { __extn: { fn: "decimal", arg: "1.5" } },
      claim_o: { a: { b: true } },
    },
  );
  assert.deepEqual(claimAttributes({ scope: "read write" }, new Set(["scope"])), {
    claim_scope: "read write",
    claimset_scope: ["read", "write"],
  });
  assert.equal(cedarValue(Number.NaN), undefined);
});

Deno.test("arguments become arg_ attributes; non-scalar ones arg_<name>_present", () => {
  assert.deepEqual(argumentAttributes({ url: "http://x", n: 2, ok: false, list: [1], obj: {} }), {
    arg_url: "http://x",
    arg_n: 2,
    arg_ok: false,
    arg_list_present: true,
    arg_obj_present: true,
  });
});

Deno.test("a policy permits one tool to one group claim; everything else is denied by default", () => {
  const authz = cedar([
    'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };',
  ]);
  const alice = who("alice", { groups: ["eng"] });
  const bob = who("bob", { groups: ["ops"] });
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "echo" }), true);
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "add" }), false);
  assert.equal(authz.authorize({ identity: alice, feature: "prompt", target: "echo" }), false);
  assert.equal(authz.authorize({ identity: bob, feature: "tool", target: "echo" }), false);
  // Cached decisions answer the same.
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "echo" }), true);
  assert.equal(authz.authorize({ identity: bob, feature: "tool", target: "echo" }), false);
});

Deno.test("policies see groups as parents, arguments, the server parent, resources' URIs and entities_json", () => {
  const authz = cedar([
    'permit(principal in THVGroup::"eng", action == Action::"call_tool", resource) when { resource.arg_n < 10 && context.arg_n < 10 };',
    'permit(principal, action == Action::"read_resource", resource in MCP::"fetch") when { resource.uri like "file:///pub/*" };',
    'permit(principal in Team::"core", action == Action::"get_prompt", resource == Prompt::"p");',
  ], {
    entities_json: JSON.stringify([{ uid: { type: "Team", id: "core" }, attrs: {}, parents: [] }, {
      uid: { type: "Client", id: "carol" },
      attrs: {},
      parents: [{ type: "Team", id: "core" }],
    }]),
  });
  const alice = who("alice", { groups: ["eng"] });
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "add", arguments: { n: 3 } }), true);
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "add", arguments: { n: 30 } }), false);
  // A missing attribute is an evaluation error: denied.
  assert.equal(authz.authorize({ identity: alice, feature: "tool", target: "add" }), false);
  assert.equal(authz.authorize({ identity: alice, feature: "resource", target: "file:///pub/a" }), true);
  assert.equal(authz.authorize({ identity: alice, feature: "resource", target: "file:///etc/passwd" }), false);
  // entities_json's Client "carol" (in Team "core") is merged with the request's principal.
  assert.equal(authz.authorize({ identity: who("carol"), feature: "prompt", target: "p" }), true);
  assert.equal(authz.authorize({ identity: who("dave"), feature: "prompt", target: "p" }), false);
});

Deno.test("group_claim_name reaches into objects, role_claim_name merges, and tool annotations reach the resource", () => {
  const authz = cedar([
    'permit(principal in Grp::"admins", action == Action::"call_tool", resource) when { resource has readOnlyHint && resource.readOnlyHint };',
  ], { group_claim_name: "realm.groups", role_claim_name: "roles", group_entity_type: "Grp" });
  const dana = who("dana", { realm: { groups: ["x"] }, roles: ["admins"] });
  assert.equal(authz.authorize({ identity: dana, feature: "tool", target: "t" }), false);
  authz.learnTool!("t", { readOnlyHint: true, title: "T" });
  assert.equal(authz.authorize({ identity: dana, feature: "tool", target: "t" }), true);
  authz.learnTool!("t", { readOnlyHint: false });
  assert.equal(authz.authorize({ identity: dana, feature: "tool", target: "t" }), false);
});

Deno.test("a policy that does not parse is refused once, naming it; so are bad entities", () => {
  assert.throws(
    () => cedar(["permit(principal, action, resource);", "permit(principal, action, resource) when { principal. };"]),
    (e: Error) =>
      e instanceof TypeError && /^Authorization config test: cedar\.policies\[1\] does not parse: /.test(e.message),
  );
  assert.throws(
    () => cedar(["permit(principal, action, resource);"], { entities_json: "{}" }),
    /entities_json must be an array/,
  );
});

Deno.test("a Cedar decision costs little once cached", () => {
  const authz = cedar([
    'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };',
  ]);
  const alice = who("alice", { groups: ["eng"], iss: "http://issuer", aud: "http://mcp", exp: 2e9, iat: 1e9 });
  const args = { message: "hi" };
  const n = 2000;
  for (let i = 0; i < n; i++) {
    authz.authorize({ identity: alice, feature: "tool", target: `warm${i}`, arguments: args });
  }
  let t = performance.now();
  for (let i = 0; i < n; i++) {
    authz.authorize({ identity: alice, feature: "tool", target: `echo${i}`, arguments: args });
  }
  const uncached = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) authz.authorize({ identity: alice, feature: "tool", target: "echo", arguments: args });
  const cached = (performance.now() - t) / n;
  console.log(`cedar decision: ${(uncached * 1000).toFixed(1)} µs uncached, ${(cached * 1000).toFixed(2)} µs cached`);
  assert.ok(cached < uncached);
});
