import assert from "node:assert/strict";
import type Docker from "dockerode";
import { isPodmanVersion } from "./wait.ts";

Deno.test("isPodmanVersion tells Podman's /version answer from Docker's", () => {
  const version = (v: Record<string, unknown>) => v as unknown as Docker.DockerVersion;
  assert.equal(isPodmanVersion(version({ Components: [{ Name: "Podman Engine", Version: "4.3.1" }] })), true);
  assert.equal(isPodmanVersion(version({ Platform: { Name: "linux/amd64/debian-12" }, Components: [] })), false);
  assert.equal(isPodmanVersion(version({ Components: [{ Name: "Engine" }, { Name: "containerd" }] })), false);
  assert.equal(isPodmanVersion(version({ Platform: { Name: "Docker Engine - Community" } })), false);
  assert.equal(isPodmanVersion(version({})), false);
});
