/**
 * Group names, as ToolHive allows them: lowercase letters, digits, `_`, `-` and single spaces inside, and
 * the `default` group every workload is in unless it is put in another.
 * @module
 */

/** The group a workload is in when none is named, which always exists and cannot be removed. */
export const DEFAULT_GROUP = "default";

/** What a group name is made of (see {@linkcode checkGroupName}). */
export const GROUP_NAME = /^[a-z0-9_-]+( [a-z0-9_-]+)*$/;
/** The longest group name. */
export const MAX_GROUP_NAME_LENGTH = 100;
const MAX_LENGTH = MAX_GROUP_NAME_LENGTH;

/** Checks a group name (ToolHive's rule, capped at 100 characters); the error names it and says what is allowed. */
export function checkGroupName(name: string): string {
  if (!GROUP_NAME.test(name) || name.length > MAX_LENGTH) {
    throw new RangeError(
      `${JSON.stringify(name)} is not a group name: use 1 to ${MAX_LENGTH} lowercase letters, digits, '-', '_' ` +
        "or single spaces between them",
    );
  }
  return name;
}
