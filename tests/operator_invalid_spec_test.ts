/**
 * A spec the operator cannot read, on a real control plane: with a CRD older than the operator (here one
 * whose spec is schemaless, as a stand-in for any older schema), the API server accepts what the operator's
 * schema refuses. The server gets `Valid=False` naming the field and no children, instead of a crash loop;
 * fixing the spec brings it back.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { kubectl, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

Deno.test("operator gives an unreadable spec Valid=False with reason InvalidSpec, and recovers when it is fixed", async () => {
  await using cp = await startControlPlane();
  const run = async (args: string[], stdin?: string) => {
    const res = await kubectl(cp.kubeconfigPath, args, stdin);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${res.stderr}`);
    return res.stdout;
  };
  const get = async (kind: string, name: string): Promise<Json | undefined> => {
    const res = await kubectl(cp.kubeconfigPath, ["get", kind, name, "-n", "default", "-o", "json"]);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  };
  const crd = parse(await Deno.readTextFile(`${REPO_ROOT}crds/generated/toolhive.stacklok.dev_mcpservers.yaml`));
  for (const version of crd.spec.versions) {
    version.schema.openAPIV3Schema.properties.spec = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    delete version.schema.openAPIV3Schema["x-kubernetes-validations"];
  }
  // The other kinds' CRDs as generated: the operator informs about them all.
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify(crd));
  await run(["wait", "--for=condition=Established", "crd", "--all"]);
  await run(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPServer",
      metadata: { name: "odd", namespace: "default" },
      spec: { image: "example/mcp:1", proxyPort: "eighty" },
    }),
  );
  await using operator = await startTestOperator(cp);

  const failed = await poll(async () => {
    const o = await get("mcpserver", "odd");
    return o?.status?.conditions?.some((c: Json) => c.type === "Valid") ? o : undefined;
  }, { what: "the Valid condition", deadlineMs: 20_000 });
  const valid = failed.status.conditions.find((c: Json) => c.type === "Valid");
  assert.equal(valid.status, "False");
  assert.equal(valid.reason, "InvalidSpec");
  assert.match(valid.message, /spec\.proxyPort/);
  assert.equal(failed.status.phase, "Failed");
  assert.equal(await get("deployment", "odd"), undefined, "no children for a spec the operator cannot read");
  assert.ok(await operator.metric("thv_operator_reconcile_errors_total") >= 1, "counted");
  // Not retried: the status is written once and left alone.
  const version = failed.metadata.resourceVersion;
  assert.equal((await get("mcpserver", "odd"))!.metadata.resourceVersion, version);

  await run(["patch", "mcpserver", "odd", "-n", "default", "--type=merge", "-p", '{"spec":{"proxyPort":8080}}']);
  await poll(async () => (await get("deployment", "odd")) ?? undefined, { what: "the Deployment", deadlineMs: 20_000 });
  const fixed = await poll(async () => {
    const o = await get("mcpserver", "odd");
    return o?.status?.phase !== "Failed" && !o?.status?.conditions?.some((c: Json) => c.type === "Valid")
      ? o
      : undefined;
  }, { what: "the Valid condition to go", deadlineMs: 20_000 });
  assert.equal(fixed.status.phase, "Pending");
});
