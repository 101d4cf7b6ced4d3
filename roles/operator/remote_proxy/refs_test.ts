import assert from "node:assert/strict";
import {
  McpAuthzConfigSpec,
  McpExternalAuthConfigSpec,
  McpOidcConfigSpec,
  McpRemoteProxySpec,
  McpToolConfigSpec,
} from "../../../crds/mod.ts";
import { RunConfig } from "../../../lib/run_config.ts";
import { combineServerRefs, type Lookup } from "../server_refs.ts";
import {
  AUTHZ_CONFIG_KIND,
  EXTERNAL_AUTH_CONFIG_KIND,
  OIDC_CONFIG_KIND,
  TOOL_CONFIG_KIND,
} from "../shared_config/mod.ts";
import type { ConfigLookup } from "../shared_config/mod.ts";
import { inlineAuthzHandler } from "../server_refs/authz_inline.ts";
import { unenforcedFields } from "../unenforced.ts";
import type { McpServer } from "../../../crds/mod.ts";
import { desiredRemoteChildren, desiredRemoteRunConfig } from "./desired.ts";
import type { RemoteProxy } from "./names.ts";
import { headerConflicts } from "./reconcile.ts";
import { computeRemoteStatus } from "./status.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const proxy = (spec: Record<string, unknown>, status?: Record<string, unknown>): RemoteProxy => ({
  apiVersion: "toolhive.stacklok.dev/v1beta1",
  kind: "MCPRemoteProxy",
  metadata: { name: "wx", namespace: "ns", uid: "u1", generation: 3 },
  spec: McpRemoteProxySpec.parse({ remoteUrl: "https://mcp.example.com/mcp", proxyPort: 9090, ...spec }),
  ...(status ? { status } : {}),
});

const CONFIGS: Record<string, unknown> = {
  [OIDC_CONFIG_KIND.kind.kind]: McpOidcConfigSpec.parse({
    type: "inline",
    inline: { issuer: "https://idp.example", clientId: "thv", clientSecretRef: { name: "idp", key: "secret" } },
  }),
  [AUTHZ_CONFIG_KIND.kind.kind]: McpAuthzConfigSpec.parse({
    type: "cedarv1",
    config: { policies: ['permit(principal, action == Action::"call_tool", resource);'] },
  }),
  [TOOL_CONFIG_KIND.kind.kind]: McpToolConfigSpec.parse({ toolsFilter: ["forecast"] }),
};

/** A lookup that finds every kind valid, with `external` as the MCPExternalAuthConfig. */
const lookupWith = (external: unknown): Lookup =>
  ((def: { kind: { kind: string } }, name: string): ConfigLookup<unknown> => {
    if (def.kind.kind === EXTERNAL_AUTH_CONFIG_KIND.kind.kind) {
      return { state: "valid", spec: McpExternalAuthConfigSpec.parse(external), hash: `h-${name}` };
    }
    const spec = CONFIGS[def.kind.kind];
    return spec ? { state: "valid", spec, hash: `h-${name}` } : { state: "missing" };
  }) as Lookup;

const EXCHANGE = {
  type: "tokenExchange",
  tokenExchange: {
    tokenUrl: "https://sts.example/token",
    audience: "backend",
    clientId: "proxy",
    clientSecretRef: { name: "sts", key: "client-secret" },
  },
};
const ALL_REFS = {
  oidcConfigRef: { name: "idp", audience: "mcp" },
  authzConfigRef: { name: "policies" },
  externalAuthConfigRef: { name: "sts" },
  toolConfigRef: { name: "tools" },
};

Deno.test("an MCPRemoteProxy's references reach its RunConfig and proxy pod as an MCPServer's do", () => {
  const p = proxy(ALL_REFS);
  const refs = combineServerRefs(p, lookupWith(EXCHANGE));
  assert.deepEqual(refs.failures, []);
  const rc = desiredRemoteRunConfig(p, refs.runConfig);
  RunConfig.parse(rc);
  assert.equal(rc.remote_url, "https://mcp.example.com/mcp");
  // The default resource URL names the workload and its proxy port (toolhive-crds.md §3).
  assert.equal(rc.oidc_config?.ResourceURL, "http://wx.ns.svc.cluster.local:9090");
  assert.equal(rc.oidc_config?.Issuer, "https://idp.example");
  assert.equal((rc.authz_config as Json).type, "cedarv1");
  assert.equal(rc.token_exchange_config?.token_url, "https://sts.example/token");
  assert.equal(rc.token_exchange_config?.client_secret, "");
  assert.deepEqual(rc.tools_filter, ["forecast"]);
  assert.deepEqual(refs.hashes, {
    toolConfigHash: "h-tools",
    telemetryConfigHash: undefined,
    externalAuthConfigHash: "h-sts",
    authServerConfigHash: undefined,
    webhookConfigHash: undefined,
    oidcConfigHash: "h-idp",
    authzConfigHash: "h-policies",
  });
  const [, , , , deployment] = desiredRemoteChildren(p, {
    runnerImage: "thv:dev",
    fromReferences: refs.runConfig,
    proxyPod: refs.proxyPod,
  }) as Json[];
  const env = deployment!.spec.template.spec.containers[0].env as Json[];
  assert.deepEqual(env.find((e) => e.name === "TOOLHIVE_OIDC_CLIENT_SECRET")?.valueFrom, {
    secretKeyRef: { name: "idp", key: "secret" },
  });
  assert.deepEqual(env.find((e) => e.name === "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET")?.valueFrom, {
    secretKeyRef: { name: "sts", key: "client-secret" },
  });
  assert.ok(env.every((e) => e.value === undefined || !/secret/.test(e.value)));
});

Deno.test("headerInjection joins spec.headerForward's headers; the same header from both is a problem", () => {
  const injection = {
    type: "headerInjection",
    headerInjection: { headerName: "X-Api-Key", valueSecretRef: { name: "api", key: "k" } },
  };
  const p = proxy({
    externalAuthConfigRef: { name: "inject" },
    headerForward: { addPlaintextHeaders: { "X-Tenant": "acme" } },
  });
  const refs = combineServerRefs(p, lookupWith(injection));
  assert.deepEqual(desiredRemoteRunConfig(p, refs.runConfig).header_forward, {
    add_plaintext_headers: { "X-Tenant": "acme" },
    add_headers_from_secret: { "X-Api-Key": "HEADER_INJECTION_X_API_KEY" },
  });
  assert.deepEqual(headerConflicts(p, refs.runConfig), []);
  const both = proxy({
    externalAuthConfigRef: { name: "inject" },
    headerForward: { addPlaintextHeaders: { "x-api-key": "plain" } },
  });
  assert.deepEqual(headerConflicts(both, combineServerRefs(both, lookupWith(injection)).runConfig), [{
    reason: "HeaderForwardConflict",
    message: 'spec.headerForward sets header "X-Api-Key", which MCPExternalAuthConfig "inject" (headerInjection) ' +
      "sets too: keep one",
  }]);
});

Deno.test("awsSts on an MCPRemoteProxy is not the MCPServer's remote-URL failure: unenforced.ts refuses it by type", () => {
  const p = proxy({ externalAuthConfigRef: { name: "aws" } });
  const refs = combineServerRefs(
    p,
    lookupWith({
      type: "awsSts",
      awsSts: { region: "eu-west-1", fallbackRoleArn: "arn:aws:iam::123456789012:role/x" },
    }),
  );
  assert.deepEqual(refs.failures, []);
  const { refused } = unenforcedFields({ spec: p.spec } as unknown as McpServer, {
    unresolved: refs.unresolved,
    externalAuthType: "awsSts",
  });
  assert.deepEqual(refused.map((r) => r.reason), ["ExternalAuthConfigNotSupported"]);
  assert.match(refused[0]!.message, /\(type awsSts\)/);
});

const pods = [{ status: { phase: "Running" } }];
const now = new Date("2026-01-01T00:00:00Z");
const none = { refused: [], notApplied: [] };

Deno.test("computeRemoteStatus: the references' conditions and hashes; a second pass gives the same status", () => {
  const p = proxy({ externalAuthConfigRef: { name: "sts" }, toolConfigRef: { name: "tools" } });
  const refs = combineServerRefs(p, lookupWith(EXCHANGE));
  const first = computeRemoteStatus(p, { problems: [], unenforced: none, refs, pods, now });
  const byType = Object.fromEntries((first.conditions as Json[]).map((c) => [c.type, c]));
  assert.equal(byType.ExternalAuthConfigValidated?.message, "MCPExternalAuthConfig 'sts' is valid");
  assert.equal(byType.ToolConfigValidated?.reason, "ToolConfigValid");
  assert.equal(first.externalAuthConfigHash, "h-sts");
  assert.equal(first.toolConfigHash, "h-tools");
  assert.ok(!("webhookConfigHash" in first) && !("oidcConfigHash" in first));
  assert.equal(first.phase, "Ready");
  const later = new Date("2026-01-01T01:00:00Z");
  const again = computeRemoteStatus(proxy(p.spec, first), { problems: [], unenforced: none, refs, pods, now: later });
  assert.deepEqual(again, first);
});

Deno.test("computeRemoteStatus: a missing reference fails the proxy with its condition; removing the ref drops it", () => {
  const p = proxy({ toolConfigRef: { name: "absent" } });
  const lookup = (() => ({ state: "missing" })) as Lookup;
  const refs = combineServerRefs(p, lookup);
  const failed = computeRemoteStatus(p, { problems: [], unenforced: none, refs, pods, now });
  assert.equal(failed.phase, "Failed");
  assert.equal(failed.message, "MCPToolConfig 'absent' not found in namespace 'ns'");
  const byType = Object.fromEntries((failed.conditions as Json[]).map((c) => [c.type, c]));
  assert.deepEqual([byType.ToolConfigValidated?.status, byType.ToolConfigValidated?.reason], [
    "False",
    "ToolConfigNotFound",
  ]);
  assert.equal(byType.Ready?.status, "False");
  const fixed = proxy({}, failed);
  const ok = computeRemoteStatus(fixed, {
    problems: [],
    unenforced: none,
    refs: combineServerRefs(fixed, lookup),
    pods,
    now,
  });
  assert.equal(ok.phase, "Ready");
  assert.ok(!(ok.conditions as Json[]).some((c) => c.type === "ToolConfigValidated"));
});

Deno.test("computeRemoteStatus: a refused reference keeps one condition whose lastTransitionTime stays put", () => {
  const p = proxy({ oidcConfigRef: { name: "idp", audience: "mcp" } });
  const refs = combineServerRefs(p, lookupWith(EXCHANGE));
  const unenforced = unenforcedFields({ spec: p.spec } as unknown as McpServer, { unresolved: refs.unresolved });
  const first = computeRemoteStatus(p, { problems: [], unenforced, refs, pods: [], now });
  const later = new Date("2026-01-01T01:00:00Z");
  const again = computeRemoteStatus(proxy(p.spec, first), { problems: [], unenforced, refs, pods: [], now: later });
  assert.deepEqual(again, first);
  assert.equal(first.oidcConfigHash, "h-idp");
});

Deno.test("an MCPRemoteProxy's inline authzConfig reaches its RunConfig through the MCPServer's handler", () => {
  const p = proxy({ authzConfig: { type: "inline", inline: { policies: ["permit(principal, action, resource);"] } } });
  const refs = combineServerRefs(p, lookupWith(EXCHANGE), [inlineAuthzHandler(undefined)]);
  assert.deepEqual(refs.failures, []);
  assert.deepEqual(desiredRemoteRunConfig(p, refs.runConfig).authz_config, {
    version: "1.0",
    type: "cedarv1",
    cedar: { policies: ["permit(principal, action, resource);"], entities_json: "[]" },
  });
  const fromMap = proxy({ authzConfig: { type: "configMap", configMap: { name: "absent" } } });
  const missing = combineServerRefs(fromMap, lookupWith(EXCHANGE), [inlineAuthzHandler(undefined)]);
  assert.equal(missing.failures[0]?.reason, "AuthzConfigInvalid");
});
