/**
 * Kubernetes Events about an object (what `kubectl describe` shows): Normal for what was created or
 * changed, Warning for failures. The same event is not repeated within ten minutes, so a resync or a
 * retry loop does not flood the namespace.
 * @module
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import type { Logger } from "../log.ts";
import type { KubeClient } from "./client.ts";

/** The object an event is about. */
export interface InvolvedObject {
  /** API version. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** UID. */
  readonly uid: string;
}

const REPEAT_AFTER_MS = 10 * 60_000;

/** Writes Events for one component, e.g. `thv-operator`. */
export class EventRecorder {
  readonly #client: KubeClient;
  readonly #component: string;
  readonly #log: Logger;
  readonly #recent = new Map<string, number>();

  /** Creates a recorder that writes through `client`. */
  constructor(client: KubeClient, component: string, log: Logger) {
    this.#client = client;
    this.#component = component;
    this.#log = log;
  }

  /** Records an event; failures to record are logged, never thrown (an event is not worth a failed reconcile). */
  async record(about: InvolvedObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    const key = `${about.uid}\0${type}\0${reason}\0${message}`;
    const now = Date.now();
    if (now - (this.#recent.get(key) ?? 0) < REPEAT_AFTER_MS) return;
    this.#recent.set(key, now);
    if (this.#recent.size > 10_000) this.#recent.clear();
    const time = new Date(now);
    const event: CoreV1Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { generateName: `${about.name}.`, namespace: about.namespace },
      involvedObject: { ...about },
      type,
      reason,
      message,
      source: { component: this.#component },
      reportingComponent: this.#component,
      reportingInstance: this.#component,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    try {
      await this.#client.create(event);
    } catch (e) {
      this.#log.warn("Cannot record event", { reason, error: (e as Error).message });
    }
  }
}
