/**
 * `thv secret setup|set|get|list|delete`: the secrets `thv run --secret NAME,target=ENV` refers to, kept by
 * the encrypted-file or the environment provider (lib/secrets). Values are read from standard input (or a
 * hidden prompt), never from the command line, where a process listing would show them.
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";

const secretsModule = () => import("../../lib/secrets/mod.ts");
const pathsOf = async (ctx: CliContext) => (await import("../../lib/state/mod.ts")).statePaths(ctx.env);

/** Reads one line from the terminal without echoing it; undefined when standard input is not a terminal. */
export async function promptHidden(question: string): Promise<string | undefined> {
  if (!Deno.stdin.isTerminal()) return undefined;
  Deno.stderr.writeSync(new TextEncoder().encode(question));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  try {
    const buf = new Uint8Array(1);
    while ((await Deno.stdin.read(buf)) === 1) {
      const b = buf[0]!;
      if (b === 13 || b === 10) break;
      if (b === 3) throw new Error("Interrupted");
      if (b === 127) bytes.pop();
      else bytes.push(b);
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The password prompt `thv` uses when TOOLHIVE_SECRETS_PASSWORD is not set and a terminal is attached. */
export const passwordPrompt = () => promptHidden("Secrets password: ");

async function provider(ctx: CliContext) {
  const { openProvider } = await secretsModule();
  return await openProvider({ paths: await pathsOf(ctx), env: ctx.env, prompt: passwordPrompt });
}

/** A secret's value: a hidden prompt on a terminal, else all of standard input without its last newline. */
async function readValue(name: string): Promise<string> {
  const prompted = await promptHidden(`Value of ${name}: `);
  const value = prompted ?? (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
  if (!value) {
    throw new Error(
      `Secret ${name}: the value is empty: pipe it on standard input (printf %s value | thv secret set ${name})`,
    );
  }
  return value;
}

/** Builds the `secret` command group. */
export function secretCommand(context: () => CliContext): Command {
  const secret = new Command("secret").description("manage the secrets thv run --secret refers to");
  secret.command("setup")
    .description("choose the secrets provider (and create the encrypted store)")
    .addOption(
      new Option(
        "--provider <type>",
        "encrypted (a file sealed with a password) or environment (TOOLHIVE_SECRET_<NAME>)",
      )
        .choices(["encrypted", "environment"] as const).default("encrypted" as const),
    )
    .action(async (opts) => {
      const ctx = context();
      const { EncryptedSecrets, encryptedStorePath, passwordOf, saveProvider } = await secretsModule();
      const paths = await pathsOf(ctx);
      if (opts.provider === "encrypted") {
        const password = await passwordOf({
          paths,
          env: ctx.env,
          prompt: async () => {
            const first = await promptHidden("New secrets password: ");
            if (first === undefined) return undefined;
            if ((await promptHidden("Again: ")) !== first) {
              throw new Error("The passwords differ: run thv secret setup again");
            }
            return first;
          },
        });
        await new EncryptedSecrets(encryptedStorePath(paths), password).init();
        ctx.print(
          `Secrets are kept encrypted in ${
            encryptedStorePath(paths)
          } (no OS keyring here: the password is asked for, or read from TOOLHIVE_SECRETS_PASSWORD)`,
        );
      } else ctx.print("Secrets are read from TOOLHIVE_SECRET_<NAME> environment variables");
      await saveProvider(paths, opts.provider);
    });
  secret.command("set")
    .description("set a secret; the value is read from standard input or a hidden prompt")
    .argument("<name>", "secret name")
    .action(async (name) => {
      const ctx = context();
      const { checkSecretName } = await secretsModule();
      checkSecretName(name);
      const p = await provider(ctx);
      if (p.type === "environment") await p.set(name, ""); // refuses, saying what to do
      const value = await readValue(name);
      await p.set(name, value);
    });
  secret.command("get")
    .description("print a secret's value")
    .argument("<name>", "secret name")
    .action(async (name) => {
      const ctx = context();
      const value = await (await provider(ctx)).get(name);
      if (value === undefined) throw new Error(`No secret named ${name}: see thv secret list`);
      ctx.print(value);
    });
  secret.command("list")
    .description("list the secrets' names")
    .action(async () => {
      const ctx = context();
      for (const name of await (await provider(ctx)).list()) ctx.print(name);
    });
  secret.command("delete")
    .description("delete a secret")
    .argument("<name>", "secret name")
    .action(async (name) => {
      const ctx = context();
      if (!(await (await provider(ctx)).delete(name))) throw new Error(`No secret named ${name}: see thv secret list`);
    });
  return secret;
}
