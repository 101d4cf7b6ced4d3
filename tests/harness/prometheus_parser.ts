/**
 * The Prometheus project's own text parser (`prometheus_client.parser` from PyPI, installed by
 * scripts/ensure_prometheus_client.sh, or the python of `THV_PROMETHEUS_PYTHON`), run on a scrape: each
 * sample with its metric family's type, as the parser read them.
 * @module
 */
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/ensure_prometheus_client.sh", import.meta.url));

/** One sample as prometheus_client parsed it. */
export interface ParsedSample {
  /** The family's name. */
  readonly family: string;
  /** The family's type (`counter`, `gauge`, `histogram`...). */
  readonly type: string;
  /** The sample's name (`..._total`, `..._bucket`...). */
  readonly name: string;
  /** Its labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Its value. */
  readonly value: number;
}

const PROGRAM = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
print(json.dumps(out))
`;

/** The python3 that imports prometheus_client; a missing one throws, saying how to install it. */
export async function prometheusPython(env = Deno.env.toObject()): Promise<string> {
  let path = env.THV_PROMETHEUS_PYTHON;
  if (!path) {
    const out = await new Deno.Command("bash", { args: [SCRIPT, "--where"], stdout: "piped" }).output();
    path = new TextDecoder().decode(out.stdout).trim();
  }
  const ok = await Deno.stat(path).then(() => true, () => false);
  if (!ok) {
    throw new Error(
      `prometheus_client is missing at ${path}: run bash scripts/ensure_prometheus_client.sh, or set THV_PROMETHEUS_PYTHON`,
    );
  }
  return path;
}

/** Parses `text` with prometheus_client; throws with the parser's error when it rejects the text. */
export async function parsePrometheusText(text: string): Promise<ParsedSample[]> {
  const child = new Deno.Command(await prometheusPython(), {
    args: ["-c", PROGRAM],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  if (!out.success) throw new Error(`prometheus_client rejected the scrape: ${decoder.decode(out.stderr).trim()}`);
  return JSON.parse(decoder.decode(out.stdout)) as ParsedSample[];
}
