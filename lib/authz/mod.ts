/**
 * Authorization of MCP operations (issue 15): Cedar policies (`cedarv1`, ToolHive's entity model) or an
 * external decision point over HTTP (`httpv1`), enforced by the chain's innermost stage
 * ({@linkcode authorizationFactory}): denied calls are answered 403, list answers are filtered to what the
 * caller may use. Default deny.
 * @module
 */
export { ACTIONS, type Authorizer, type AuthzQuery, type Feature } from "./authorizer.ts";
export { eventRewriter, isEventStream, type MessageRewrite, rewriteAnswers } from "./answers.ts";
export { createCedarAuthorizer } from "./cedar.ts";
export { argumentAttributes, cedarValue, claimAttributes } from "./cedar_values.ts";
export {
  type AuthzFile,
  type CedarOptions,
  checkAuthzFile,
  loadAuthzFile,
  type PdpOptions,
  readAuthzFile,
} from "./config.ts";
export { createHttpAuthorizer, pdpPrincipal } from "./http_pdp.ts";
export { filterList, LIST_METHODS, ruleOf } from "./methods.ts";
export { authorizationFactory, authorizationMiddleware, authorizerOf, DENIED } from "./stage.ts";

/** The stage factory, as lib/middleware/stages.ts loads it. */
export { authorizationFactory as factory } from "./stage.ts";
