import assert from "node:assert/strict";
import { percentile, replaceSection, summarize } from "./report.ts";

Deno.test("percentile uses the nearest rank", () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(s, 0.5), 5);
  assert.equal(percentile(s, 0.9), 9);
  assert.equal(percentile(s, 1), 10);
  assert.equal(percentile([7], 0.99), 7);
  assert.throws(() => percentile([], 0.5), RangeError);
});

Deno.test("summarize sorts before it ranks", () => {
  assert.deepEqual(summarize([30, 10, 20]), { n: 3, p50: 20, p90: 30, min: 10, max: 30 });
});

Deno.test("replaceSection replaces only its own section and appends a new one", () => {
  const doc = "# B\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n";
  const once = replaceSection(doc, "a", "new a");
  assert.equal(once, "# B\n\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\n\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n");
  assert.equal(replaceSection(once, "a", "new a"), once);
  assert.equal(replaceSection("# B\n", "c", "c"), "# B\n\n<!-- bench:c -->\nc\n<!-- /bench:c -->\n");
});
