/**
 * Audit (issue 15 item 3): one structured event per MCP operation, 401 and 403 included, in ToolHive's
 * event format, to the log or a file, with secrets and tokens redacted. {@linkcode factory} is the chain's
 * `audit` stage, outermost.
 * @module
 */
import type { StageFactory } from "../middleware/mod.ts";
import { AUDIT_KEYS, auditStage } from "./stage.ts";

export {
  AUDIT_EVENT_TYPES,
  audits,
  type AuditSettings,
  auditSettingsOf,
  DEFAULT_MAX_DATA_SIZE,
  parseAuditConfigFile,
} from "./config.ts";
export {
  type AuditEvent,
  cappedData,
  eventTypeOf,
  type Outcome,
  outcomeOf,
  redactData,
  REDACTED,
  subjectsOf,
  targetOf,
} from "./event.ts";
export { answeredMessages, errorInAnswer, type JsonRpcError } from "./response.ts";
export { type AuditSink, fileSink, logSink } from "./sink.ts";
export { AUDIT_KEYS, auditStage, type AuditStageOptions } from "./stage.ts";

/** The chain's audit stage. */
export const factory: StageFactory = {
  name: "audit",
  keys: AUDIT_KEYS,
  build: (config, deps) => auditStage(config, deps),
};
