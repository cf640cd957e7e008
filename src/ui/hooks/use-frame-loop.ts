// A bounded frame rate for views fed faster than a terminal should redraw: `frame` runs at most
// once per `frameMs` after something changed (at once when the last frame is older than that),
// and every `tickMs` anyway, so rates and clocks move while nothing arrives.
import { useEffect, useRef } from 'react';

export type Subscribe = (onChange: () => void) => () => void;

export function useFrameLoop(subscribe: Subscribe, frameMs: number, tickMs: number, frame: () => void): void {
  const frameRef = useRef(frame);
  frameRef.current = frame;
  useEffect(() => {
    let lastMs = -Infinity;
    let scheduled: NodeJS.Timeout | null = null;
    const run = () => {
      if (scheduled !== null) clearTimeout(scheduled);
      scheduled = null;
      lastMs = performance.now();
      frameRef.current();
    };
    const onChange = () => {
      if (scheduled !== null) return;
      scheduled = setTimeout(run, Math.max(0, lastMs + frameMs - performance.now()));
    };
    const unsubscribe = subscribe(onChange);
    const tick = setInterval(run, tickMs);
    onChange();
    return () => {
      unsubscribe();
      clearInterval(tick);
      if (scheduled !== null) clearTimeout(scheduled);
    };
  }, [subscribe, frameMs, tickMs]);
}
