/**
 * The launcher thv runs in front of every sandboxed server on Linux: a small Deno program (run with only
 * `--allow-ffi` and `--allow-env`) that confines its own process with Landlock, then replaces itself with the
 * server's `deno run` (execve), so no middle process stays. Landlock rules apply to resolved file
 * hierarchies: a symlink inside a granted folder, including one created later, cannot lead outside it, and
 * the server's children inherit the domain. It is kept as source text so a bundled or compiled thv can write
 * it out. Its argument is the JSON {@linkcode LandlockPlan}; its environment becomes the server's.
 * @module
 */

/** What the launcher does: the rules (path → access) and the command it becomes. */
export interface LandlockPlan {
  /** Paths and what the server may do beneath them. */
  readonly rules: readonly LandlockRule[];
  /** Refuse every TCP bind and connect (Landlock ABI 4+), for servers with no network at all. */
  readonly noTcp: boolean;
  /**
   * Refuse creating unix sockets (seccomp): under a bare `--allow-net` Deno lets a server connect to any socket
   * file it may write, and Landlock does not govern `connect()`, so a symlink in a read-write grant would reach
   * the container engine's socket. Only for servers that need no socket of their own (stdio).
   */
  readonly noUnixSockets: boolean;
  /**
   * Refuse creating IPv6 sockets (seccomp): Deno 2.9 takes no IPv6 CIDR in `--deny-net`, so the unique-local
   * (fc00::/7) and link-local (fe80::/10) ranges can be closed only this way. For servers whose network is
   * the internet minus the local ranges and whose profile names no IPv6 address; they reach the internet
   * over IPv4.
   */
  readonly noInet6?: boolean;
  /** The program to execve and its argv (argv[0] included). */
  readonly exec: { readonly path: string; readonly argv: readonly string[] };
}

/**
 * One grant: `ro` reads (files and folder listings), `rx` also executes (the runtime and its libraries), `rw`
 * everything beneath. `optional` paths that do not exist or cannot be granted are skipped (system files that vary).
 */
export interface LandlockRule {
  /** An absolute path; followed if it is a symlink, at start. */
  readonly path: string;
  /** What is allowed beneath it. */
  readonly access: "ro" | "rx" | "rw";
  /** Skip it when it does not exist. */
  readonly optional?: boolean;
}

/** The launcher's JavaScript source. With the argument `--abi` it prints the Landlock ABI (0: none) and exits. */
export const LANDLOCK_LAUNCHER =
  `// Written by thv: confines this process with Landlock, then becomes the sandboxed server.
const SYS_CREATE = 444, SYS_ADD = 445, SYS_RESTRICT = 446; // the same numbers on every architecture
const PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, O_PATH = 0o10000000, O_CLOEXEC = 0o2000000, EINVAL = 22;
const libc = (() => {
  const symbols = {
    create: { name: "syscall", parameters: ["i64", "pointer", "usize", "u32"], result: "i64" },
    add: { name: "syscall", parameters: ["i64", "i64", "u32", "buffer", "u32"], result: "i64" },
    restrict: { name: "syscall", parameters: ["i64", "i64", "u32"], result: "i64" },
    prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
    open: { parameters: ["buffer", "i32"], result: "i32" },
    execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
    strerror: { parameters: ["i32"], result: "pointer" },
    __errno_location: { parameters: [], result: "pointer" },
  };
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      return Deno.dlopen(name, symbols).symbols;
    } catch { /* try the next name */ }
  }
  throw new Error("cannot open the C library");
})();
const errno = () => new Deno.UnsafePointerView(libc.__errno_location()).getInt32();
const why = (code) => Deno.UnsafePointerView.getCString(libc.strerror(code));
const cstr = (s) => new TextEncoder().encode(s + "\\0");
const fail = (message) => {
  console.error("thv sandbox: " + message);
  Deno.exit(126);
};
const abi = Number(libc.create(SYS_CREATE, null, 0, 1));

if (Deno.args[0] === "--abi") {
  console.log(String(Math.max(abi, 0)));
  Deno.exit(0);
}
const plan = JSON.parse(Deno.args[0]);
if (abi < 1) {
  console.error("thv sandbox: Landlock is not available (" + why(errno()) + "): only Deno's path checks confine " +
    "this server, and they follow symlinks");
} else {
  let all = (1n << 13n) - 1n; // ABI 1: execute .. make_sym
  if (abi >= 2) all |= 1n << 13n; // refer
  if (abi >= 3) all |= 1n << 14n; // truncate
  if (abi >= 5) all |= 1n << 15n; // ioctl_dev
  const FILE_ONLY = (1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 14n) | (1n << 15n);
  const RO = (1n << 2n) | (1n << 3n), RX = RO | 1n;
  const net = plan.noTcp && abi >= 4 ? 3n : 0n; // bind_tcp | connect_tcp, with no rule allowing any port
  const scoped = abi >= 6 ? 3n : 0n; // abstract unix sockets and signals stay inside the domain
  const attr = new BigUint64Array([all, net, scoped]);
  const size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
  const ruleset = Number(libc.create(SYS_CREATE, Deno.UnsafePointer.of(attr), size, 0));
  if (ruleset < 0) fail("cannot create a Landlock ruleset: " + why(errno()));
  for (const rule of plan.rules) {
    const fd = libc.open(cstr(rule.path), O_PATH | O_CLOEXEC);
    if (fd < 0) {
      if (rule.optional) continue;
      fail("cannot grant " + rule.path + ": " + why(errno()));
    }
    const wanted = (rule.access === "rw" ? all : rule.access === "rx" ? RX : RO) & all;
    const attr = new Uint8Array(12);
    const view = new DataView(attr.buffer);
    view.setInt32(8, fd, true);
    view.setBigUint64(0, wanted, true);
    if (libc.add(SYS_ADD, BigInt(ruleset), 1, attr, 0) < 0n) {
      // A rule that cannot be added is left out when optional: one grant fewer only confines the server more.
      const code = errno();
      if (code !== EINVAL && rule.optional) continue;
      if (code !== EINVAL) fail("cannot grant " + rule.path + ": " + why(code));
      view.setBigUint64(0, wanted & FILE_ONLY, true); // a file, not a folder: only file rights apply
      if (libc.add(SYS_ADD, BigInt(ruleset), 1, attr, 0) < 0n) {
        if (rule.optional) continue;
        fail("cannot grant " + rule.path + ": " + why(errno()));
      }
    }
  }
  if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n) !== 0) fail("cannot set no_new_privs: " + why(errno()));
  if (libc.restrict(SYS_RESTRICT, BigInt(ruleset), 0) < 0n) fail("cannot enforce Landlock: " + why(errno()));
}
const families = [...(plan.noUnixSockets ? [1] : []), ...(plan.noInet6 ? [10] : [])]; // AF_UNIX, AF_INET6
if (families.length > 0) {
  // seccomp: socket() of those families fails with EACCES; x32 system calls (x86_64) are refused as a whole.
  const ARCH = { x86_64: [0xc000003e, 41], aarch64: [0xc00000b7, 198] }[Deno.build.arch];
  if (!ARCH) fail("cannot refuse sockets on " + Deno.build.arch);
  const [arch, socketNr] = ARCH;
  const LD = 0x20, JEQ = 0x15, JGE = 0x35, RET = 0x06, ALLOW = 0x7fff0000, DENY = 0x00050000 | 13;
  const n = families.length; // jumps count from the next instruction: ALLOW is at 6 + n, DENY at 7 + n
  const program = [
    [LD, 0, 0, 4], // arch
    [JEQ, 0, 4 + n, arch],
    [LD, 0, 0, 0], // system call number
    [JGE, 3 + n, 0, 0x40000000],
    [JEQ, 0, 1 + n, socketNr],
    [LD, 0, 0, 16], // first argument: the address family
    ...families.map((family, i) => [JEQ, n - i, 0, family]),
    [RET, 0, 0, ALLOW],
    [RET, 0, 0, DENY],
  ];
  const filter = new Uint8Array(program.length * 8);
  const view = new DataView(filter.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k, true);
  });
  const fprog = new BigUint64Array([BigInt(program.length), BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(filter)))]);
  if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n) !== 0) fail("cannot set no_new_privs: " + why(errno()));
  const fprogAddress = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(fprog)));
  if (libc.prctl(PR_SET_SECCOMP, 2n, fprogAddress, 0n, 0n) !== 0) fail("cannot refuse sockets: " + why(errno()));
}
const keep = [];
const pointers = (strings) => {
  const list = new BigUint64Array(strings.length + 1);
  strings.forEach((s, i) => {
    const buffer = cstr(s);
    keep.push(buffer);
    list[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
  });
  return new Uint8Array(list.buffer);
};
const env = Object.entries(Deno.env.toObject()).map(([k, v]) => k + "=" + v);
libc.execve(cstr(plan.exec.path), pointers(plan.exec.argv), pointers(env));
fail("cannot start " + plan.exec.path + ": " + why(errno()));
`;
