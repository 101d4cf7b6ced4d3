import assert from "node:assert/strict";
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { isPodReady, podProblem } from "./pod_problems.ts";

const container = (name: string, state: V1ContainerStatus["state"]): V1ContainerStatus => ({
  name,
  image: `localhost/${name}:1`,
  imageID: "",
  ready: false,
  restartCount: 0,
  state,
});

const pod = (status: V1Pod["status"]): V1Pod => ({ metadata: { name: "web-0" }, status });

Deno.test("podProblem names the image, the container and what to do, one line each", () => {
  const table: Array<[string, V1Pod, string | undefined, string | undefined]> = [
    [
      "running",
      pod({ phase: "Running", containerStatuses: [container("mcp", { running: {} })] }),
      undefined,
      undefined,
    ],
    [
      "an init container's image, before a later container's crash",
      pod({
        phase: "Pending",
        initContainerStatuses: [container("init", { waiting: { reason: "ErrImageNeverPull", message: "never" } })],
        containerStatuses: [container("mcp", { waiting: { reason: "CrashLoopBackOff" } })],
      }),
      "ImagePullFailed",
      'MCP server image "localhost/init:1" cannot be pulled: ErrImageNeverPull: never: check spec.image and imagePullSecrets',
    ],
    [
      "a missing Secret key",
      pod({
        phase: "Pending",
        containerStatuses: [
          container("mcp", { waiting: { reason: "CreateContainerConfigError", message: 'secret "gh" not found' } }),
        ],
      }),
      "PodFailed",
      'MCP server container "mcp" of pod web-0 cannot start: CreateContainerConfigError: secret "gh" not found',
    ],
    [
      "a multi-line termination message",
      pod({
        phase: "Running",
        containerStatuses: [{
          ...container("mcp", { waiting: { reason: "CrashLoopBackOff" } }),
          lastState: { terminated: { exitCode: 2, reason: "Error", message: "panic: boom\ngoroutine 1" } },
        }],
      }),
      "CrashLoopBackOff",
      'MCP server container "mcp" of pod web-0 is crash-looping, last exit code 2 (Error): panic: boom: ' +
      "see kubectl logs web-0 -c mcp --previous",
    ],
    [
      "an evicted pod",
      pod({ phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." }),
      "PodFailed",
      "MCP server pod web-0 failed: Evicted: The node was low on resource: memory.",
    ],
  ];
  for (const [what, p, reason, message] of table) {
    const problem = podProblem(p, "mcp");
    assert.equal(problem?.reason, reason, what);
    assert.equal(problem?.message, message, what);
  }
});

Deno.test("isPodReady needs phase Running and the Ready condition True", () => {
  assert.ok(isPodReady(pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }] })));
  assert.ok(!isPodReady(pod({ phase: "Running", conditions: [{ type: "Ready", status: "False" }] })));
  assert.ok(!isPodReady(pod({ phase: "Pending", conditions: [{ type: "Ready", status: "True" }] })));
});
