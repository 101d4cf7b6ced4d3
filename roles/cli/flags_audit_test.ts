import assert from "node:assert/strict";
import { auditConfigOf, mergedAuditFlags } from "./flags_audit.ts";

Deno.test("auditConfigOf: --enable-audit turns audit on, --audit-config names the checked file by its absolute path", async () => {
  assert.deepEqual(await auditConfigOf({}), {});
  assert.deepEqual(await auditConfigOf({ enableAudit: true }), { audit_config: { enabled: true } });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify({ includeRequestData: true }));
  assert.deepEqual(await auditConfigOf({ auditConfig: "a.json" }, dir), { audit_config_path: `${dir}/a.json` });
  await Deno.writeTextFile(`${dir}/b.json`, JSON.stringify({ maxDataSize: "big" }));
  await assert.rejects(auditConfigOf({ auditConfig: "b.json" }, dir), /--audit-config b\.json: field maxDataSize/);
  await assert.rejects(auditConfigOf({ auditConfig: "none.json" }, dir), /^TypeError: --audit-config none\.json: /);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mergedAuditFlags: flags before and after `thv proxy stdio` both count; the file after it wins", () => {
  assert.deepEqual(mergedAuditFlags({ enableAudit: true, auditConfig: "p" }, { auditConfig: "o" }), {
    enableAudit: true,
    auditConfig: "o",
  });
  assert.deepEqual(mergedAuditFlags({}, {}), {});
});
