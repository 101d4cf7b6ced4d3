/**
 * Builds a CustomResourceDefinition manifest from zod schemas: structural schema, versions (the storage
 * version plus deprecated served aliases with identical schemas), names, printer columns and the status
 * subresource.
 * @module
 */
import { z } from "zod";
import { type SchemaNode, toStructural } from "./structural.ts";

/** A column of `kubectl get`. */
export interface PrinterColumn {
  /** Column header. */
  readonly name: string;
  /** OpenAPI type of the value: string, integer, date, ... */
  readonly type: string;
  /** JSONPath of the value in the object. */
  readonly jsonPath: string;
  /** Shown only with `-o wide` when above 0. */
  readonly priority?: number;
  /** Explains the column. */
  readonly description?: string;
}

/** Everything a CRD is made of. */
export interface CrdDefinition {
  /** API group, e.g. toolhive.stacklok.dev. */
  readonly group: string;
  /** Kind, e.g. MCPServer. */
  readonly kind: string;
  /** Plural resource name. */
  readonly plural: string;
  /** Singular resource name. */
  readonly singular: string;
  /** Short names for kubectl. */
  readonly shortNames: readonly string[];
  /** Categories, so `kubectl get <category>` lists the kind. */
  readonly categories: readonly string[];
  /** What the resource is, for `kubectl explain`. */
  readonly description: string;
  /** Schema of `spec`. */
  readonly spec: z.ZodType;
  /** Schema of `status`. */
  readonly status: z.ZodType;
  /** The version objects are stored in. */
  readonly storageVersion: string;
  /** Versions still served with the same schema, each with the warning kubectl prints. */
  readonly deprecatedVersions: ReadonlyArray<{ readonly name: string; readonly warning: string }>;
  /** Columns of `kubectl get`. */
  readonly printerColumns: readonly PrinterColumn[];
}

/** The structural schema of a zod schema, as it goes into a CRD (input shape: defaults are optional). */
export function structuralSchema(schema: z.ZodType): SchemaNode {
  return toStructural(z.toJSONSchema(schema, { io: "input" }) as SchemaNode);
}

/** The CustomResourceDefinition manifest of `def`. */
export function customResourceDefinition(def: CrdDefinition): Record<string, unknown> {
  const schema = {
    openAPIV3Schema: {
      type: "object",
      description: def.description,
      required: ["spec"],
      properties: {
        apiVersion: { type: "string", description: "API version of this object." },
        kind: { type: "string", description: `Always ${def.kind}.` },
        metadata: { type: "object" },
        spec: { ...structuralSchema(def.spec), description: `Desired state of the ${def.kind}.` },
        status: { ...structuralSchema(def.status), description: `Observed state of the ${def.kind}.` },
      },
    },
  };
  const version = (name: string, storage: boolean, warning?: string) => ({
    name,
    served: true,
    storage,
    ...(warning ? { deprecated: true, deprecationWarning: warning } : {}),
    schema,
    subresources: { status: {} },
    additionalPrinterColumns: def.printerColumns,
  });
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${def.plural}.${def.group}` },
    spec: {
      group: def.group,
      scope: "Namespaced",
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: def.categories,
      },
      versions: [
        ...def.deprecatedVersions.map((v) => version(v.name, false, v.warning)),
        version(def.storageVersion, true),
      ],
    },
  };
}
