import assert from "node:assert/strict";
import { parseDevClusterArgs } from "./dev_cluster.ts";

Deno.test("dev:cluster without flags runs the control plane only", () => {
  assert.deepEqual(parseDevClusterArgs([]), { node: false, images: [] });
});

Deno.test("dev:cluster --node takes repeatable --image flags in both spellings", () => {
  assert.deepEqual(parseDevClusterArgs(["--node", "--image", "a.tar", "--image=b.tar"]), {
    node: true,
    images: ["a.tar", "b.tar"],
  });
});

Deno.test("dev:cluster refuses --image without --node, a missing value and unknown flags", () => {
  assert.throws(() => parseDevClusterArgs(["--image", "a.tar"]), /add --node/);
  assert.throws(() => parseDevClusterArgs(["--node", "--image"]), /--image needs a value/);
  assert.throws(() => parseDevClusterArgs(["--nodes"]), /Unknown argument --nodes/);
});
