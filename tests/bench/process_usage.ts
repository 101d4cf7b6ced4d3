/**
 * What a benchmarked process costs, read from Linux's `/proc/<pid>`: its CPU time, its peak RSS (VmHWM),
 * and its private memory (RssAnon), sampled, since the kernel keeps no high-water mark of that one.
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times. */
const CLOCK_TICKS = Number(
  new TextDecoder().decode((await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output()).stdout).trim(),
) || 100;

/** A `/proc/<pid>/status` field in MiB. */
function statusMiB(status: string, field: string): number {
  const found = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  if (!found) throw new Error(`/proc status has no ${field} field: the bench needs Linux`);
  return Number(found[1]) / 1024;
}

/** Memory of a process, in MiB. */
export interface MemoryFigures {
  /** Peak resident set size (VmHWM). */
  readonly peakRss: number;
  /** The highest private anonymous memory (RssAnon) sampled. */
  readonly rssAnon: number;
}

/** Watches one process: samples its RssAnon every `intervalMs` until {@linkcode ProcessUsage.stop}. */
export class ProcessUsage {
  readonly #pid: number;
  readonly #sampler: ReturnType<typeof setInterval>;
  #rssAnon = 0;

  /** Starts sampling process `pid`. */
  constructor(pid: number, intervalMs = 50) {
    this.#pid = pid;
    this.#sampler = setInterval(() => {
      this.#status().then((s) => (this.#rssAnon = Math.max(this.#rssAnon, statusMiB(s, "RssAnon"))), () => {});
    }, intervalMs);
  }

  #status(): Promise<string> {
    return Deno.readTextFile(`/proc/${this.#pid}/status`);
  }

  /** CPU time (user + system) the process used so far, in microseconds. */
  async cpuMicros(): Promise<number> {
    // The fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = (await Deno.readTextFile(`/proc/${this.#pid}/stat`)).split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  }

  /** Peak RSS now, and the highest RssAnon seen so far (this reading included). */
  async memory(): Promise<MemoryFigures> {
    const s = await this.#status();
    this.#rssAnon = Math.max(this.#rssAnon, statusMiB(s, "RssAnon"));
    return { peakRss: statusMiB(s, "VmHWM"), rssAnon: this.#rssAnon };
  }

  /** RssAnon now, in MiB. */
  async rssAnonNow(): Promise<number> {
    return statusMiB(await this.#status(), "RssAnon");
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.#sampler);
  }
}
