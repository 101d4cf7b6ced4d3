import assert from "node:assert/strict";
import { errorLine, oneLine } from "./api.ts";

Deno.test("errorLine is the API's error, first line only; else the status", () => {
  assert.equal(
    errorLine(404, "Not Found", '{"error":"No workload x: thv list shows them"}'),
    "No workload x: thv list shows them",
  );
  assert.equal(errorLine(500, "", '{"error":"first\\nsecond"}'), "first");
  assert.equal(errorLine(502, "Bad Gateway", "<html>"), "thv serve answered 502 Bad Gateway");
  assert.equal(errorLine(500, "", '{"error":""}'), "thv serve answered 500");
  assert.equal(oneLine("  a\nb "), "a");
});
