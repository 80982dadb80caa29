import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads `fetcher` when `deps` change; `pollMs` re-reads while `poll(data)` holds (a running job).
 * A stale answer (deps changed meanwhile) is dropped.
 */
export function useResource<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { pollMs?: number; poll?: (data: T) => boolean } = {},
): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((previous) => ({ ...previous, loading: true }));
    const load = () => {
      fetcherRef.current(controller.signal).then(
        (data) => {
          if (controller.signal.aborted) return;
          setState({ data, error: undefined, loading: false });
          const { pollMs, poll } = optionsRef.current;
          if (pollMs && poll?.(data)) timer = setTimeout(load, pollMs);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState((previous) => ({ data: previous.data, error, loading: false }));
        },
      );
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

/** `value`, once it has stopped changing for `ms`: live previews without a request per keystroke. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Sets the document title, so each page is told apart in history and by screen readers. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Countersign`;
  }, [title]);
}
