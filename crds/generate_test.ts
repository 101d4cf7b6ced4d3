import assert from "node:assert/strict";
import { renderCrds, staleCrdFiles } from "./generate.ts";

Deno.test("the checked-in CRD YAML is what the zod schemas generate (run deno task crds when this fails)", async () => {
  assert.deepEqual(await staleCrdFiles(renderCrds()), []);
});
