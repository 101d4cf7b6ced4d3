import assert from "node:assert/strict";
import { operatorSettings } from "./operator.ts";

const defaults = { runnerImage: "thv:0.1.0" };

Deno.test("operatorSettings: WATCH_NAMESPACE is a comma list, empty means the cluster", () => {
  assert.deepEqual(operatorSettings({}, defaults).namespaces, []);
  assert.deepEqual(operatorSettings({ WATCH_NAMESPACE: "" }, defaults).namespaces, []);
  assert.deepEqual(operatorSettings({ WATCH_NAMESPACE: "a, b,,a" }, defaults).namespaces, ["a", "b"]);
});

Deno.test("operatorSettings: a malformed namespace is refused by name", () => {
  assert.throws(() => operatorSettings({ WATCH_NAMESPACE: "ok,Bad_NS" }, defaults), {
    name: "RangeError",
    message: 'WATCH_NAMESPACE: "Bad_NS" is not a namespace name: use lowercase letters, digits and -',
  });
});

Deno.test("operatorSettings: runner image and in-cluster detection", () => {
  assert.equal(operatorSettings({}, defaults).runnerImage, "thv:0.1.0");
  assert.equal(operatorSettings({ TOOLHIVE_RUNNER_IMAGE: "reg/thv:2" }, defaults).runnerImage, "reg/thv:2");
  assert.equal(operatorSettings({}, defaults).inCluster, false);
  assert.equal(operatorSettings({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, defaults).inCluster, true);
});
