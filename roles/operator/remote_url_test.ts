import assert from "node:assert/strict";
import { remoteUrlProblem } from "./remote_url.ts";

const BLOCKED = "remote URL host is not allowed: ";

const CASES: ReadonlyArray<readonly [string, boolean, string | undefined]> = [
  ["https://mcp.example.com/mcp", false, undefined],
  ["http://203.0.113.7:8080/mcp", false, undefined],
  ["http://[2001:db8::1]/mcp", false, undefined],
  ["", false, "remote URL must not be empty"],
  ["ftp://example.com/", false, 'remote URL must use http or https scheme, got "ftp"'],
  ["http://127.0.0.1:8080/", true, `${BLOCKED}IP address 127.0.0.1 falls within blocked range 127.0.0.0/8`],
  ["http://0.1.2.3/", true, `${BLOCKED}IP address 0.1.2.3 falls within blocked range 0.0.0.0/8`],
  [
    "http://169.254.169.254/latest",
    true,
    `${BLOCKED}IP address 169.254.169.254 falls within blocked range 169.254.0.0/16`,
  ],
  ["http://[::1]/", true, `${BLOCKED}IP address ::1 falls within blocked range ::1/128`],
  ["http://[::]/", true, `${BLOCKED}IP address :: falls within blocked range ::/128`],
  ["http://[fe80::1]/", true, `${BLOCKED}IP address fe80::1 falls within blocked range fe80::/10`],
  ["http://[::ffff:127.0.0.1]/", true, `${BLOCKED}IP address ::ffff:7f00:1 falls within blocked range 127.0.0.0/8`],
  ["http://LOCALHOST:3000/", true, `${BLOCKED}hostname "localhost" matches blocked internal hostname "localhost"`],
  ["http://api.localhost/", true, `${BLOCKED}hostname "api.localhost" matches blocked internal hostname "localhost"`],
  [
    "https://kubernetes.default.svc/api",
    true,
    `${BLOCKED}hostname "kubernetes.default.svc" matches blocked internal hostname "kubernetes.default.svc"`,
  ],
  [
    "http://metadata.google.internal/",
    true,
    `${BLOCKED}hostname "metadata.google.internal" matches blocked internal hostname "metadata.google.internal"`,
  ],
  ["http://10.1.2.3/", false, `${BLOCKED}IP address 10.1.2.3 falls within blocked range 10.0.0.0/8`],
  ["http://10.1.2.3/", true, undefined],
  ["http://172.31.0.1/", false, `${BLOCKED}IP address 172.31.0.1 falls within blocked range 172.16.0.0/12`],
  ["http://172.32.0.1/", false, undefined],
  ["http://192.168.1.1/", false, `${BLOCKED}IP address 192.168.1.1 falls within blocked range 192.168.0.0/16`],
  ["http://[fd00::1]/", false, `${BLOCKED}IP address fd00::1 falls within blocked range fc00::/7`],
  ["http://[fd00::1]/", true, undefined],
  [
    "http://mcp.tools.svc.cluster.local:8080/mcp",
    false,
    `${BLOCKED}hostname "mcp.tools.svc.cluster.local" matches blocked internal hostname "cluster.local"`,
  ],
  ["http://mcp.tools.svc.cluster.local:8080/mcp", true, undefined],
];

for (const [url, allowPrivate, want] of CASES) {
  Deno.test(`remoteUrlProblem(${JSON.stringify(url)}, allowPrivate=${allowPrivate}) is ${want ?? "none"}`, () => {
    assert.equal(remoteUrlProblem(url, allowPrivate), want);
  });
}

Deno.test("remoteUrlProblem reports an unparseable URL as invalid with the parser's reason", () => {
  assert.match(remoteUrlProblem("not a url") ?? "", /^remote URL is invalid: .+/);
});
