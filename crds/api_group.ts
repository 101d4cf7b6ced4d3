/**
 * The API group of thv's custom resources and the deprecation every `v1alpha1` alias carries.
 * @module
 */

/** The API group of every thv custom resource. */
export const GROUP = "toolhive.stacklok.dev";

/** The served, deprecated `v1alpha1` alias of a kind stored as `v1beta1`. */
export const V1ALPHA1_DEPRECATED = {
  name: "v1alpha1",
  warning: `${GROUP}/v1alpha1 is deprecated; use v1beta1`,
} as const;
