/**
 * Reading a permission profile as a user names it: a built-in name (`none`, `network`), or a JSON file whose
 * errors name the field that is wrong.
 * @module
 */
import { PermissionProfile, type RunConfig } from "../run_config.ts";

/** The RunConfig fields a named profile sets. */
export type ProfileFields = Pick<RunConfig, "permission_profile_name_or_path" | "permission_profile">;

/**
 * Reads the profile `value` names. `field` is what the user set, for the messages (default
 * `--permission-profile`).
 */
export async function loadPermissionProfile(
  value: string,
  options: { readonly field?: string } = {},
): Promise<ProfileFields> {
  if (value === "none" || value === "network") return { permission_profile_name_or_path: value };
  const field = options.field ?? "--permission-profile";
  let text: string;
  try {
    text = await Deno.readTextFile(value);
  } catch (e) {
    throw new Error(`${field} ${value} is neither none, network nor a readable file: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`Permission profile ${value} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = PermissionProfile.strict().safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(
      `Permission profile ${value}: field ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      { cause: parsed.error },
    );
  }
  return { permission_profile_name_or_path: value, permission_profile: parsed.data };
}
