/**
 * A throwaway certificate authority for a test control plane, made with the `openssl` CLI: the CA, a
 * serving certificate for loopback, client certificates for any user and groups, and the service-account
 * signing key.
 * @module
 */

/** PEM file paths of a certificate and its key. */
export interface CertFiles {
  /** Certificate, PEM. */
  readonly cert: string;
  /** Private key, PEM. */
  readonly key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" }).output();
  } catch (e) {
    throw new Error("Cannot run openssl: install it (apt-get install openssl)", { cause: e });
  }
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Creates a CA valid for two days in `dir` (files `ca.crt`, `ca.key`). */
export async function createCa(dir: string): Promise<CertFiles> {
  await openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=thv-test-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ], dir);
  return { cert: `${dir}/ca.crt`, key: `${dir}/ca.key` };
}

/** What a certificate is for: a server (with subject alternative names) or a client (user and groups). */
export type CertRequest =
  | { readonly kind: "server"; readonly commonName: string; readonly ips: string[]; readonly dns: string[] }
  | { readonly kind: "client"; readonly user: string; readonly groups: string[] };

/** Issues a certificate signed by `ca`; files are `<name>.crt` and `<name>.key` in `dir`. */
export async function issueCert(ca: CertFiles, dir: string, name: string, request: CertRequest): Promise<CertFiles> {
  const subject = request.kind === "server"
    ? `/CN=${request.commonName}`
    : [...request.groups.map((g) => `/O=${g}`), `/CN=${request.user}`].join("");
  const ext = request.kind === "server"
    ? [
      `subjectAltName=${[...request.ips.map((i) => `IP:${i}`), ...request.dns.map((d) => `DNS:${d}`)].join(",")}`,
      "extendedKeyUsage=serverAuth",
      "keyUsage=critical,digitalSignature,keyEncipherment",
    ]
    : ["extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature,keyEncipherment"];
  await Deno.writeTextFile(`${dir}/${name}.ext`, ext.join("\n") + "\n");
  await openssl(["req", ...EC_KEY, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
  await openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.crt`,
  ], dir);
  return { cert: `${dir}/${name}.crt`, key: `${dir}/${name}.key` };
}

/** Creates the key pair that signs and verifies service-account tokens (`sa.key`, `sa.pub`). */
export async function createServiceAccountKey(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key"], dir);
  await openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
  return { privateKey: `${dir}/sa.key`, publicKey: `${dir}/sa.pub` };
}
