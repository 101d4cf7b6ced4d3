import assert from "node:assert/strict";
import { z } from "zod";
import { int32, listMap, preservedObject, stringMap, withRules } from "./k8s_schema.ts";
import { toStructural } from "./structural.ts";

const schemaOf = (s: z.ZodType) => toStructural(z.toJSONSchema(s, { io: "input" }) as Record<string, unknown>);

Deno.test("toStructural drops $schema and keeps descriptions, defaults and enums", () => {
  const s = schemaOf(z.object({ mode: z.enum(["a", "b"]).default("a").describe("The mode") }));
  assert.deepEqual(s, {
    type: "object",
    properties: { mode: { type: "string", enum: ["a", "b"], default: "a", description: "The mode" } },
  });
});

Deno.test("toStructural: int32 keeps its format and only the bounds that narrow it", () => {
  assert.deepEqual(schemaOf(int32()), { type: "integer", format: "int32" });
  assert.deepEqual(schemaOf(int32({ min: 0 })), { type: "integer", format: "int32", minimum: 0 });
  assert.deepEqual(schemaOf(int32({ min: 1, max: 65535 })), {
    type: "integer",
    format: "int32",
    minimum: 1,
    maximum: 65535,
  });
});

Deno.test("toStructural: list maps, string maps, preserved objects and CEL rules", () => {
  const s = schemaOf(withRules(
    z.object({
      env: listMap(z.object({ name: z.string(), value: z.string() }), ["name"]).optional(),
      labels: stringMap().optional(),
      podTemplateSpec: preservedObject().optional(),
    }),
    [{ rule: "true", message: "always" }],
  ));
  const props = s.properties as Record<string, Record<string, unknown>>;
  assert.equal(props.env!["x-kubernetes-list-type"], "map");
  assert.deepEqual(props.env!["x-kubernetes-list-map-keys"], ["name"]);
  assert.deepEqual(props.labels, { type: "object", additionalProperties: { type: "string" } });
  assert.deepEqual(props.podTemplateSpec, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
  assert.deepEqual(s["x-kubernetes-validations"], [{ rule: "true", message: "always" }]);
});
