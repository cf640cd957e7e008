// The wait between two refreshes of a polling view (`top`, `group describe --watch` without a
// terminal): over after `ms`, or at once when `signal` aborts (Ctrl-C), never rejecting, so the
// loop checks the signal and ends cleanly.

export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
