/**
 * Configuration read once at the program's edge.
 * @module
 */
export {
  type GlobalConfig,
  globalConfig,
  LOG_FORMAT_CHOICES,
  type LogFormatChoice,
  type ProcessFacts,
} from "./global.ts";
export { type OperatorSettings, operatorSettings } from "./operator.ts";
export { selfCommand, THV_PERMISSIONS, THV_V8_FLAGS, THV_V8_FLAGS_ARG } from "./self.ts";
