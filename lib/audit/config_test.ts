import assert from "node:assert/strict";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { audits, auditSettingsOf } from "./config.ts";

function config(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "fetch", image: "i", transport: "stdio", port: 8080, ...extra }),
    "test",
  );
}
const noFile = () => Promise.reject(new Error("no such file"));

Deno.test("auditSettingsOf: ToolHive's defaults, the server's name as component; enabled false or absent turns it off", async () => {
  const s = await auditSettingsOf(config({ audit_config: {} }), noFile);
  assert.deepEqual({ ...s, eventTypes: [...s!.eventTypes], excludeEventTypes: [...s!.excludeEventTypes] }, {
    component: "fetch",
    eventTypes: [],
    excludeEventTypes: [],
    includeRequestData: false,
    includeResponseData: false,
    detectApplicationErrors: true,
    maxDataSize: 1024,
    maxDelegationDepth: 10,
    logFile: undefined,
  });
  assert.equal(await auditSettingsOf(config({ audit_config: { enabled: false } }), noFile), undefined);
  assert.equal(await auditSettingsOf(config({}), noFile), undefined);
});

Deno.test("auditSettingsOf reads audit_config_path (snake_case keys of older files too); its keys win", async () => {
  const file = JSON.stringify({ component: "c", event_types: ["mcp_tool_call"], max_data_size: 64, logFile: "/x" });
  const s = await auditSettingsOf(
    config({ audit_config: { component: "inline", includeRequestData: true }, audit_config_path: "/etc/a.json" }),
    (p) => (p === "/etc/a.json" ? Promise.resolve(file) : noFile()),
  );
  assert.equal(s?.component, "c");
  assert.equal(s?.includeRequestData, true);
  assert.equal(s?.maxDataSize, 64);
  assert.equal(s?.logFile, "/x");
  assert.ok(audits(s!, "mcp_tool_call"));
  assert.ok(!audits(s!, "mcp_tools_list"));
});

Deno.test("auditSettingsOf refuses unknown event types, a negative maxDataSize and an unreadable file, naming them", async () => {
  await assert.rejects(
    auditSettingsOf(config({ audit_config: { eventTypes: ["mcp_tool_cal"] } }), noFile),
    /^TypeError: audit_config\.eventTypes: unknown event type: mcp_tool_cal/,
  );
  await assert.rejects(
    auditSettingsOf(config({ audit_config: { excludeEventTypes: ["nope"] } }), noFile),
    /audit_config\.excludeEventTypes: unknown exclude event type: nope/,
  );
  await assert.rejects(
    auditSettingsOf(config({ audit_config: { maxDataSize: -1 } }), noFile),
    /audit_config: maxDataSize cannot be negative/,
  );
  await assert.rejects(
    auditSettingsOf(config({ audit_config_path: "/missing.json" }), noFile),
    /Cannot read audit_config_path \/missing\.json: no such file: fix the path/,
  );
  await assert.rejects(
    auditSettingsOf(config({ audit_config_path: "/a.json" }), () => Promise.resolve("{")),
    /Audit config \/a\.json is not JSON/,
  );
});

Deno.test("audits: the exclude list wins over the include list", async () => {
  const s = await auditSettingsOf(
    config({ audit_config: { eventTypes: ["mcp_ping", "mcp_tool_call"], excludeEventTypes: ["mcp_ping"] } }),
    noFile,
  );
  assert.deepEqual([audits(s!, "mcp_ping"), audits(s!, "mcp_tool_call"), audits(s!, "mcp_initialize")], [
    false,
    true,
    false,
  ]);
});
