import assert from "node:assert/strict";
import { landlockAbi } from "./connector.ts";
import { confinementWarning, launcherCommand } from "./landlock.ts";
import { LANDLOCK_LAUNCHER, type LandlockPlan } from "./landlock_launcher.ts";

Deno.test("confinementWarning says nothing where Landlock confines the server, one line where it cannot", () => {
  assert.equal(confinementWarning(1, "linux"), undefined);
  assert.equal(confinementWarning(7, "linux"), undefined);
  const linux = confinementWarning(0, "linux")!;
  assert.match(linux, /^The sandbox cannot confine files at the OS level this Linux kernel has no Landlock/);
  assert.match(confinementWarning(0, "darwin")!, /on darwin: only Deno's path checks apply/);
  for (const w of [linux, confinementWarning(0, "darwin")!]) assert.ok(!w.includes("\n"), w);
});

Deno.test("landlockAbi asks the kernel through the launcher: this machine's Linux has Landlock", async () => {
  // The build machines run kernel 6.18 (ABI 7); a kernel without Landlock would answer 0 and thv would warn.
  assert.ok((await landlockAbi()) >= 1);
});

/** Runs `script` through the launcher with `plan`'s socket settings (no file rules) and returns its stdout. */
async function throughLauncher(script: string, sockets: Pick<LandlockPlan, "noUnixSockets" | "noInet6">) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/launcher.mjs`, LANDLOCK_LAUNCHER);
    await Deno.writeTextFile(`${dir}/script.mjs`, script);
    const server = { command: Deno.execPath(), args: ["run", "-A", "--no-config", `${dir}/script.mjs`] };
    const plan: LandlockPlan = {
      rules: [{ path: "/", access: "rw" }],
      noTcp: false,
      ...sockets,
      exec: { path: server.command, argv: ["deno", ...server.args] },
    };
    const cmd = launcherCommand(server, `${dir}/launcher.mjs`, plan);
    const out = await new Deno.Command(cmd.command, { args: [...cmd.args], stdout: "piped", stderr: "piped" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the launcher's seccomp filter refuses IPv6 sockets with noInet6 and leaves IPv4 alone", async () => {
  // Listening on loopback creates a socket of each family: nothing leaves the machine.
  const script = `for (const hostname of ["::1", "127.0.0.1"]) {
    try { Deno.listen({ hostname, port: 0 }).close(); console.log(hostname + " ok"); }
    catch (e) { console.log(hostname + " " + e.name); }
  }`;
  assert.equal(await throughLauncher(script, { noUnixSockets: false }), "::1 ok\n127.0.0.1 ok");
  assert.equal(
    await throughLauncher(script, { noUnixSockets: false, noInet6: true }),
    "::1 PermissionDenied\n127.0.0.1 ok",
  );
});
