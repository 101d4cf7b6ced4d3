import assert from "node:assert/strict";
import { eventPrinter } from "./workloads.ts";

Deno.test("eventPrinter shows warnings as thv: warning lines, and each image's pull on its own progress line", () => {
  const written: string[] = [];
  const print = eventPrinter({ terminal: false, write: (text) => written.push(text) });
  print({ kind: "warning", message: "Landlock is not available: only Deno's path checks confine the server" });
  print({ kind: "pull", image: "a:1", progress: { status: "Downloading", id: "l1" } });
  print({ kind: "pull", image: "a:1", progress: { status: "Downloading", id: "l1" } }); // the same step once
  print({ kind: "pull", image: "b:2", progress: { status: "Downloading", id: "l1" } });
  assert.deepEqual(written, [
    "thv: warning: Landlock is not available: only Deno's path checks confine the server\n",
    "Pulling a:1: l1: Downloading\n",
    "Pulling b:2: l1: Downloading\n",
  ]);
});
