/**
 * A hook that loads something now and again every `ms` while the page is open, keeping the last value
 * when a later load fails (the failure's line is shown beside it); `refresh` loads at once.
 * @module
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "./api.ts";

/** What {@linkcode usePoll} gives. */
export interface Polled<T> {
  /** The last value loaded, undefined before the first. */
  readonly data: T | undefined;
  /** The last load's failure, in one line; undefined when it worked. */
  readonly error: string | undefined;
  /** Loads again now. */
  readonly refresh: () => void;
}

/** Loads with `load` now and every `ms` milliseconds. */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, ms: number): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current(stop.signal);
        if (stop.signal.aborted) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (stop.signal.aborted) return;
        setError(messageOf(e));
      }
      timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, [ms, tick]);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, refresh };
}
