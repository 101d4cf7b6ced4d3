/**
 * thv's V8 flags (decision 013): every command line that starts thv carries them, and this Deno's V8 takes
 * them and caps the young generation as the decision says.
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { selfCommand, THV_V8_FLAGS, THV_V8_FLAGS_ARG } from "../lib/config/mod.ts";
import { LAUNCHER } from "../scripts/image.ts";
import { REPO_ROOT } from "./harness/mod.ts";

Deno.test("the thv task, the self command, the image launcher and deno compile all pass thv's V8 flags", async () => {
  assert.ok(denoJson.tasks.thv.split(" ").includes(THV_V8_FLAGS_ARG), `the thv task lacks ${THV_V8_FLAGS_ARG}`);
  assert.ok(selfCommand("/opt/deno/deno", "file:///src/thv/main.ts").includes(THV_V8_FLAGS_ARG));
  assert.ok(LAUNCHER.split(/\s+/).includes(THV_V8_FLAGS_ARG), `the image launcher lacks ${THV_V8_FLAGS_ARG}`);
  const compile = await Deno.readTextFile(`${REPO_ROOT}scripts/compile.sh`);
  // The command itself (its flags start on the `deno compile --` line and run to main.ts), not the comments.
  const start = compile.indexOf("deno compile --");
  assert.ok(start >= 0, "compile.sh runs deno compile");
  const command = compile.slice(start, compile.indexOf(" main.ts", start));
  assert.ok(command.split(/\s+/).includes(THV_V8_FLAGS_ARG), `deno compile in compile.sh lacks ${THV_V8_FLAGS_ARG}`);
});

Deno.test("V8 accepts thv's flags and keeps the young generation within two semi-spaces of the set size", async () => {
  const semi = THV_V8_FLAGS.map((f) => /^--max-semi-space-size=(\d+)$/.exec(f)?.[1]).find((v) => v !== undefined);
  assert.ok(semi, "THV_V8_FLAGS sets --max-semi-space-size");
  const semiMiB = Number(semi);
  // Allocates well past the cap, keeping some objects alive so V8 would grow its young generation.
  const code = `
    import v8 from "node:v8";
    const keep = [];
    for (let i = 0; i < 2e6; i++) { const o = { i, s: "x" + i }; if (i % 40 === 0) keep.push(o); if (keep.length > 8000) keep.splice(0, 4000); }
    console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);`;
  const run = async (flags: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", ...flags, code],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return Number(new TextDecoder().decode(out.stdout).trim()) / 2 ** 20;
  };
  const [capped, uncapped] = await Promise.all([run([THV_V8_FLAGS_ARG]), run([])]);
  assert.ok(capped <= 2 * semiMiB, `young generation ${capped} MiB with ${THV_V8_FLAGS_ARG}, over 2 x ${semiMiB} MiB`);
  assert.ok(
    uncapped > 2 * semiMiB,
    `without the flags the same load grew it to ${uncapped} MiB only: the check proves nothing`,
  );
});
