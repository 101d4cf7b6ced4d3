import assert from "node:assert/strict";
import { clientEnv } from "./clients.ts";

Deno.test("clientEnv reads HOME, an absolute XDG_CONFIG_HOME and APPDATA, and names HOME when it is missing", () => {
  assert.deepEqual(clientEnv({ HOME: "/h", XDG_CONFIG_HOME: "/x" }, "linux"), {
    home: "/h",
    os: "linux",
    xdgConfigHome: "/x",
  });
  assert.deepEqual(clientEnv({ HOME: "/h", XDG_CONFIG_HOME: "rel" }, "linux"), { home: "/h", os: "linux" });
  assert.deepEqual(clientEnv({ HOME: "/h" }, "darwin"), { home: "/h", os: "darwin" });
  assert.deepEqual(clientEnv({ USERPROFILE: "C:/u", APPDATA: "C:/a" }, "windows"), {
    home: "C:/u",
    os: "windows",
    appData: "C:/a",
  });
  assert.throws(() => clientEnv({}, "linux"), /^Error: Cannot find the MCP clients' config files: set HOME$/);
});
