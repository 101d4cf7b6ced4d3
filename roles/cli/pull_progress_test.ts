import assert from "node:assert/strict";
import { pullProgress } from "./pull_progress.ts";

const events = [
  { status: "Pulling from library/x", id: "1" },
  { status: "Downloading", id: "a", current: 1048576, total: 2097152 },
  { status: "Downloading", id: "a", current: 2097152, total: 2097152 },
  { status: "Pull complete", id: "a" },
  { status: "Status: Downloaded newer image for x:1" },
];

Deno.test("pullProgress redraws one line on a terminal and writes a plain line per step elsewhere", () => {
  const tty: string[] = [];
  const onTty = pullProgress("x:1", { terminal: true, write: (t) => tty.push(t) });
  events.forEach(onTty);
  assert.ok(tty.every((t) => t.startsWith("\r\x1b[2KPulling x:1: ")));
  assert.match(tty[1]!, /0\/2 layers 1\.0\/2\.0 MiB$/);
  assert.match(tty.at(-1)!, /1\/2 layers 2\.0\/2\.0 MiB\n$/, "the last draw ends the line");

  const plain: string[] = [];
  const onPlain = pullProgress("x:1", { terminal: false, write: (t) => plain.push(t) });
  events.forEach(onPlain);
  assert.deepEqual(plain, [
    "Pulling x:1: 1: Pulling from library/x\n",
    "Pulling x:1: a: Downloading\n",
    "Pulling x:1: a: Pull complete\n",
    "Pulling x:1: Status: Downloaded newer image for x:1\n",
  ]);
});
