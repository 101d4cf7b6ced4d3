/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: the holder renews the Lease every
 * `retryPeriodMs`; others take it over once `renewTime + leaseDuration` has passed; every write carries the
 * resourceVersion it read, so two candidates can never both win. A leader that cannot renew within
 * `renewDeadlineMs` steps down. On a graceful stop the leader releases the Lease so a standby takes over at
 * once.
 * @module
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { sleepUnlessAborted } from "../async/mod.ts";
import type { Logger } from "../log.ts";
import { isConflict, type KubeClient } from "./client.ts";

/** Where the Lease is and how it is held. */
export interface LeaseOptions {
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Name of the Lease. */
  readonly name: string;
  /** This candidate's identity (pod name, or host and PID). */
  readonly identity: string;
  /** How long a Lease stays valid without renewal (default 15 s). */
  readonly leaseDurationMs?: number;
  /** How long a leader keeps trying to renew before it steps down (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** How often candidates try, and leaders renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /** Give the Lease up on a graceful stop so a standby takes over at once (default true; tests turn it off to
   * behave like a crash). */
  readonly releaseOnStop?: boolean;
}

/** The result of one attempt. */
type Attempt = "leader" | "follower";

/** A coordination.k8s.io/v1 Lease, as JSON. */
interface V1Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** A MicroTime as the API server writes it: RFC 3339 with six fraction digits. */
const micro = (d: Date) => d.toISOString().replace(/Z$/, "000Z");

/** Competes for, holds and releases one Lease. */
export class LeaderElector {
  readonly #client: KubeClient;
  readonly #log: Logger;
  readonly #o: Required<LeaseOptions>;
  #observed?: V1Lease;

  /** Creates an elector; nothing happens until {@linkcode LeaderElector.run}. */
  constructor(client: KubeClient, log: Logger, options: LeaseOptions) {
    this.#client = client;
    this.#log = log.with({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.#o = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnStop: true,
      ...options,
    };
  }

  /** One try to acquire or renew. */
  async #tryAcquireOrRenew(now: Date): Promise<Attempt> {
    const { namespace, name, identity, leaseDurationMs } = this.#o;
    const ref = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace, name };
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      renewTime: micro(now),
    };
    const current = await this.#client.get<V1Lease>(ref);
    if (!current) {
      try {
        this.#observed = await this.#client.create<V1Lease>({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name, namespace },
          spec: { ...spec, acquireTime: micro(now), leaseTransitions: 0 },
        });
        return "leader";
      } catch (e) {
        if (isConflict(e)) return "follower";
        throw e;
      }
    }
    this.#observed = current;
    const held = current.spec?.holderIdentity;
    const renewed = current.spec?.renewTime ? new Date(current.spec.renewTime).getTime() : 0;
    const duration = (current.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (held && held !== identity && renewed + duration > now.getTime()) return "follower";
    const takeover = held !== identity;
    try {
      this.#observed = await this.#client.replace<V1Lease>({
        ...current,
        spec: {
          ...current.spec,
          ...spec,
          ...(takeover
            ? { acquireTime: micro(now), leaseTransitions: (current.spec?.leaseTransitions ?? 0) + (held ? 1 : 0) }
            : {}),
        },
      });
      if (takeover) this.#log.info("Acquired lease", { previousHolder: held || "(none)" });
      return "leader";
    } catch (e) {
      if (isConflict(e)) return "follower";
      throw e;
    }
  }

  /**
   * How long a follower waits before trying again: a retry period, or less when the observed Lease runs out
   * sooner, so a standby takes over as soon as the Lease expires rather than up to a period later.
   */
  #untilNextTry(): number {
    const spec = this.#observed?.spec;
    if (!spec?.renewTime || !spec.holderIdentity) return this.#o.retryPeriodMs;
    const expiresIn = new Date(spec.renewTime).getTime() + (spec.leaseDurationSeconds ?? 0) * 1000 - Date.now();
    // Never a tight loop, even when what was observed has expired (a lost race, a failed request).
    return Math.max(Math.min(50, this.#o.retryPeriodMs), Math.min(this.#o.retryPeriodMs, expiresIn + 1));
  }

  /**
   * Waits until this candidate leads, then calls `lead` with a signal that aborts when leadership is lost or
   * `signal` aborts. Resolves after `lead` returns; returns false when leadership was lost, true otherwise.
   */
  async run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<boolean> {
    while (!signal.aborted) {
      const attempt = await this.#tryAcquireOrRenew(new Date()).catch((e) => {
        this.#log.warn("Lease attempt failed", { error: (e as Error).message });
        return "follower" as const;
      });
      if (attempt === "leader") break;
      await sleepUnlessAborted(this.#untilNextTry(), signal);
    }
    if (signal.aborted) return true;

    const leading = new AbortController();
    const onStop = () => leading.abort();
    signal.addEventListener("abort", onStop, { once: true });
    let lost = false;
    const renewing = (async () => {
      let lastRenew = Date.now();
      while (!leading.signal.aborted) {
        // Cut short on stop: a renewal after shutdown began would keep a crashed leader's Lease alive longer.
        if (!await sleepUnlessAborted(this.#o.retryPeriodMs, leading.signal)) break;
        const attempt = await this.#tryAcquireOrRenew(new Date()).catch(() => "follower" as const);
        if (attempt === "leader") lastRenew = Date.now();
        else if (
          Date.now() - lastRenew > this.#o.renewDeadlineMs || this.#observed?.spec?.holderIdentity !== this.#o.identity
        ) {
          lost = true;
          this.#log.warn("Lost lease");
          leading.abort();
        }
      }
    })();
    try {
      await lead(leading.signal);
    } finally {
      leading.abort();
      signal.removeEventListener("abort", onStop);
      await renewing;
      if (!lost && this.#o.releaseOnStop) await this.#release();
    }
    return !lost;
  }

  /** Gives the Lease up so that a standby takes over at once. */
  async #release(): Promise<void> {
    const lease = this.#observed;
    if (!lease || lease.spec?.holderIdentity !== this.#o.identity) return;
    try {
      await this.#client.replace<V1Lease>({
        ...lease,
        spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: micro(new Date()) },
      });
      this.#log.info("Released lease");
    } catch (e) {
      this.#log.warn("Cannot release lease", { error: (e as Error).message });
    }
  }
}
