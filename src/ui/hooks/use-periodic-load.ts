// The refresh loop of the dashboards (`spool top`, `group describe --watch`): load now, then
// again `intervalMs` after each load ends. A failed load is handed to `recover` (which waits for
// a lost broker to come back); while it runs `waiting` is true and the last data stays shown.
// When it cannot recover, the view ends with the error (ink's exit).
import { useApp } from 'ink';
import { useEffect, useState } from 'react';

/** What a dashboard shows above its last data while `recover` waits. */
export const WAITING_NOTICE = '⚠ lost the broker; waiting for it to come back (q quits)';

export interface PeriodicLoad<T> {
  /** The last data loaded, or null before the first load ends. */
  data: T | null;
  /** A load failed and `recover` is running. */
  waiting: boolean;
}

export function usePeriodicLoad<T>(
  load: () => Promise<T>,
  intervalMs: number,
  recover?: (err: unknown) => Promise<boolean>,
): PeriodicLoad<T> {
  const { exit } = useApp();
  const [data, setData] = useState<T | null>(null);
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const refresh = async () => {
      try {
        const next = await load();
        if (cancelled) return;
        setData(next);
        timer = setTimeout(() => void refresh(), intervalMs);
      } catch (err) {
        if (cancelled) return;
        setWaiting(true);
        const recovered = recover !== undefined && (await recover(err).catch(() => false));
        if (cancelled) return;
        setWaiting(false);
        if (recovered) void refresh();
        else exit(err instanceof Error ? err : new Error(String(err)));
      }
    };
    void refresh(); // failures end in recover() or exit(), never as a rejection
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [load, intervalMs, recover, exit]);

  return { data, waiting };
}
