import assert from "node:assert/strict";
import { delay } from "../async/mod.ts";
import { lockWorkload, WorkloadBusyError } from "./mod.ts";

const LOCKS = new URL("./locks.ts", import.meta.url).href;

/** A process that takes the lock of `name` in `dir`, prints `locked`, and releases it when its stdin closes. */
async function holder(dir: string, name: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockWorkload } from ${JSON.stringify(LOCKS)};
       const lock = await lockWorkload(${JSON.stringify(dir)}, ${JSON.stringify(name)});
       console.log("locked");
       for await (const _ of Deno.stdin.readable) { /* until closed */ }
       await lock.release();`,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the holder exited before it locked: ${text}`);
    text += value;
  }
  reader.releaseLock();
  return child;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("lockWorkload keeps a second process out until the first releases, and leaves no file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = await holder(dir, "w");
    await assert.rejects(
      lockWorkload(dir, "w", { timeoutMs: 300 }),
      (e: Error) =>
        e instanceof WorkloadBusyError &&
        e.message === `Workload w is being changed by another thv command (pid ${child.pid}): ` +
            "try again once it has finished",
    );
    await child.stdin.close();
    assert.equal((await child.status).code, 0);
    assert.equal(await exists(`${dir}/w.lock`), false, "the holder deleted the file on release");
    const lock = await lockWorkload(dir, "w", { timeoutMs: 5000 });
    await lock.release();
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockWorkload takes over a lock whose holder was killed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = await holder(dir, "w");
    child.kill("SIGKILL");
    await child.status;
    assert.equal(await exists(`${dir}/w.lock`), true, "a killed holder leaves its file");
    const lock = await lockWorkload(dir, "w", { timeoutMs: 5000 });
    assert.equal((await Deno.readTextFile(`${dir}/w.lock`)).trim(), String(Deno.pid));
    await lock.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockWorkload serialises holders in one process, and each name has its own lock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await lockWorkload(dir, "w");
    const other = await lockWorkload(dir, "other", { timeoutMs: 1000 });
    let second = false;
    const waiting = lockWorkload(dir, "w", { intervalMs: 10 }).then((lock) => ((second = true), lock));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(second, false, "the second holder waits");
    await first.release();
    await (await waiting).release();
    await other.release();
    const aborted = new AbortController();
    await using _held = await lockWorkload(dir, "w");
    aborted.abort();
    await assert.rejects(lockWorkload(dir, "w", { signal: aborted.signal }), /Stopped while waiting .* with w/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockWorkload stops waiting as soon as its signal aborts, not at its next try", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using _held = await lockWorkload(dir, "w");
    const shutdown = new AbortController();
    const waiting = lockWorkload(dir, "w", { signal: shutdown.signal, intervalMs: 600_000 });
    const outcome = Promise.race([
      waiting.then(() => "locked", (e: Error) => e.message),
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve("still waiting"), 10_000);
        void waiting.catch(() => {}).finally(() => clearTimeout(timer));
      }),
    ]);
    // Most likely between two tries by now; either way the abort must end the wait at once.
    await delay(200);
    shutdown.abort();
    assert.match(await outcome, /^Stopped while waiting for another thv command to finish with w$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
