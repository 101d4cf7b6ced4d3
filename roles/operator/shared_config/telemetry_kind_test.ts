import assert from "node:assert/strict";
import { McpTelemetryConfigSpec } from "../../../crds/mod.ts";
import { checkTelemetryConfig } from "./telemetry_kind.ts";

const secret = { name: "otel", key: "token" };
const CASES: ReadonlyArray<{ what: string; spec: unknown; problem?: string }> = [
  { what: "an empty spec", spec: {} },
  {
    what: "an endpoint with tracing",
    spec: { openTelemetry: { enabled: true, endpoint: "otel:4318", tracing: { enabled: true } } },
  },
  {
    what: "an endpoint with neither tracing nor metrics",
    spec: { openTelemetry: { endpoint: "otel:4318" } },
    problem: "endpoint requires at least one of tracing or metrics to be enabled",
  },
  {
    what: "a sensitive header without a name",
    spec: { openTelemetry: { sensitiveHeaders: [{ name: "", secretKeyRef: secret }] } },
    problem: "openTelemetry.sensitiveHeaders[0].name must not be empty",
  },
  {
    what: "a sensitive header without a Secret name",
    spec: { openTelemetry: { sensitiveHeaders: [{ name: "x", secretKeyRef: { name: "", key: "k" } }] } },
    problem: "openTelemetry.sensitiveHeaders[0].secretKeyRef.name must not be empty",
  },
  {
    what: "a sensitive header without a Secret key",
    spec: { openTelemetry: { sensitiveHeaders: [{ name: "x", secretKeyRef: { name: "s", key: "" } }] } },
    problem: "openTelemetry.sensitiveHeaders[0].secretKeyRef.key must not be empty",
  },
  {
    what: "a header both plain and sensitive",
    spec: { openTelemetry: { headers: { auth: "x" }, sensitiveHeaders: [{ name: "auth", secretKeyRef: secret }] } },
    problem: 'header "auth" appears in both headers and sensitiveHeaders',
  },
  {
    what: "a CA bundle with insecure",
    spec: { openTelemetry: { insecure: true, caBundleRef: { configMapRef: { name: "ca", key: "ca.crt" } } } },
    problem: "openTelemetry.caBundleRef cannot be specified when insecure is true; they are mutually exclusive",
  },
  {
    what: "a CA bundle without a ConfigMap",
    spec: { openTelemetry: { caBundleRef: {} } },
    problem: "openTelemetry.caBundleRef.configMapRef must be specified",
  },
  {
    what: "a CA bundle ConfigMap without a name",
    spec: { openTelemetry: { caBundleRef: { configMapRef: { key: "ca.crt" } } } },
    problem: "openTelemetry.caBundleRef.configMapRef.name must not be empty",
  },
  {
    what: "a CA bundle ConfigMap name too long for its volume",
    spec: { openTelemetry: { caBundleRef: { configMapRef: { name: "c".repeat(49), key: "ca.crt" } } } },
    problem: `openTelemetry.caBundleRef.configMapRef.name "${"c".repeat(49)}" is too long (49 chars); maximum is 48`,
  },
  {
    what: "a 48-character CA ConfigMap name",
    spec: { openTelemetry: { caBundleRef: { configMapRef: { name: "c".repeat(48), key: "k" } } } },
  },
];

/** The spec as stored; one the schema refuses (the API server's own check) is passed as written. */
function parsed(spec: unknown) {
  const r = McpTelemetryConfigSpec.safeParse(spec);
  return r.success ? r.data : spec as never;
}

for (const c of CASES) {
  Deno.test(`checkTelemetryConfig: ${c.what} ${c.problem ? "is refused with ToolHive's message" : "passes"}`, () => {
    assert.equal(checkTelemetryConfig(parsed(c.spec)), c.problem);
  });
}
