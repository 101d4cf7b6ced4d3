import assert from "node:assert/strict";
import {
  isRfc3339,
  LAST_PROCESSED_RESTART,
  RESTART_STRATEGY,
  RESTARTED_AT,
  type RestartRequest,
  restartRequest,
  templateRestartedAt,
} from "./restart.ts";

const AT = "2026-12-02T07:00:00Z";

Deno.test("restartRequest: a new RFC 3339 value asks once, with the strategy given or rolling", () => {
  const table: Array<[string, Record<string, string> | undefined, RestartRequest["kind"], string?]> = [
    ["no annotations", undefined, "none"],
    ["no restarted-at", { other: "x" }, "none"],
    ["a new value", { [RESTARTED_AT]: AT }, "restart", "rolling"],
    ["a new value, immediate", { [RESTARTED_AT]: AT, [RESTART_STRATEGY]: "immediate" }, "restart", "immediate"],
    ["a new value, rolling", { [RESTARTED_AT]: AT, [RESTART_STRATEGY]: "rolling" }, "restart", "rolling"],
    ["handled already", { [RESTARTED_AT]: AT, [LAST_PROCESSED_RESTART]: AT }, "none"],
    [
      "a value older than the last handled one is still a change",
      { [RESTARTED_AT]: "2026-12-01T07:00:00Z", [LAST_PROCESSED_RESTART]: AT },
      "restart",
      "rolling",
    ],
    ["not a time", { [RESTARTED_AT]: "now" }, "invalid"],
    ["a date only", { [RESTARTED_AT]: "2026-12-02" }, "invalid"],
    ["an unknown strategy", { [RESTARTED_AT]: AT, [RESTART_STRATEGY]: "recreate" }, "invalid"],
  ];
  for (const [what, annotations, kind, strategy] of table) {
    const request = restartRequest(annotations);
    assert.equal(request.kind, kind, what);
    if (request.kind === "restart") {
      assert.equal(request.strategy, strategy, what);
      assert.equal(request.at, annotations![RESTARTED_AT], what);
    }
  }
});

Deno.test("restartRequest: a bad value is named with what to do, and nothing restarts", () => {
  assert.deepEqual(restartRequest({ [RESTARTED_AT]: "now" }), {
    kind: "invalid",
    message: 'Annotation mcpserver.toolhive.stacklok.dev/restarted-at is "now", not an RFC 3339 time: ' +
      "set it to e.g. $(date -u +%Y-%m-%dT%H:%M:%SZ); nothing was restarted",
  });
  assert.deepEqual(restartRequest({ [RESTARTED_AT]: AT, [RESTART_STRATEGY]: "recreate" }), {
    kind: "invalid",
    message: 'Annotation mcpserver.toolhive.stacklok.dev/restart-strategy is "recreate": ' +
      "use rolling or immediate; nothing was restarted",
  });
});

Deno.test("isRfc3339 takes fractions and offsets, and refuses impossible dates", () => {
  for (const ok of [AT, "2026-12-02T07:00:00.123Z", "2026-12-02T08:00:00+01:00", "2026-12-02t07:00:00z"]) {
    assert.ok(isRfc3339(ok), ok);
  }
  for (const bad of ["2026-13-02T07:00:00Z", "2026-12-02 07:00:00Z", "1733122800", ""]) {
    assert.ok(!isRfc3339(bad), bad);
  }
});

Deno.test("templateRestartedAt: a rolling restart sets the time; otherwise the template keeps its own", () => {
  assert.equal(templateRestartedAt({ kind: "restart", at: AT, strategy: "rolling" }, "old"), AT);
  assert.equal(templateRestartedAt({ kind: "restart", at: AT, strategy: "immediate" }, "old"), "old");
  assert.equal(templateRestartedAt({ kind: "none" }, "old"), "old");
  assert.equal(templateRestartedAt({ kind: "invalid", message: "m" }, undefined), undefined);
});
