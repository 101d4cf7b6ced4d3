/**
 * The process-wide options every role receives from `main.ts`: read once at the edge, frozen, passed down.
 * @module
 */
import type { LogFormat, LogLevel } from "../log.ts";

/** The log formats a user may ask for; `auto` is text on a terminal and JSON everywhere else. */
export const LOG_FORMAT_CHOICES = ["auto", "text", "json"] as const;

/** A value of `--log-format`. */
export type LogFormatChoice = typeof LOG_FORMAT_CHOICES[number];

/** Options shared by all roles. */
export interface GlobalConfig {
  /** Log format resolved from `--log-format`. */
  readonly logFormat: LogFormat;
  /** `debug` with `--debug`, else `info`. */
  readonly logLevel: LogLevel;
}

/** What {@linkcode globalConfig} needs to know about the process. */
export interface ProcessFacts {
  /** Whether standard error is a terminal. */
  readonly stderrIsTerminal: boolean;
}

/** Resolves the global flags into a frozen {@linkcode GlobalConfig}. */
export function globalConfig(
  flags: { readonly debug?: boolean; readonly logFormat?: string },
  facts: ProcessFacts,
): GlobalConfig {
  const choice = flags.logFormat ?? "auto";
  if (!(LOG_FORMAT_CHOICES as readonly string[]).includes(choice)) {
    throw new RangeError(`--log-format ${choice} is not a format: use one of ${LOG_FORMAT_CHOICES.join(", ")}`);
  }
  const logFormat: LogFormat = choice === "auto" ? (facts.stderrIsTerminal ? "text" : "json") : choice as LogFormat;
  return Object.freeze({ logFormat, logLevel: flags.debug ? "debug" : "info" });
}
