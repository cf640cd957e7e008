// MemoryPacer keeps the broker's memory flat under load. Socket reads (64 KiB each) and segment
// reads for fetches (up to 1 MiB each) become garbage within milliseconds, but V8 only collects
// them once tens of megabytes of such external memory have piled up, which alone would break
// the broker's memory budget. So every PACE_BYTES of these buffers the broker runs a young-
// generation collection itself (about a millisecond). gc is exposed by the launcher's
// --expose-gc; when it is not, V8's flag is set at run time and gc taken from a fresh context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { type: 'minor' | 'major'; execution?: 'sync' }) => void;

const PACE_BYTES = 8 * 1024 * 1024;

export class MemoryPacer {
  readonly #gc: GcFunction | null;
  #bytes = 0;

  constructor(gc: GcFunction | null = exposedGc()) {
    this.#gc = gc;
  }

  /** Count `bytes` of short-lived buffers; collect when enough have gone by. */
  account(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes < PACE_BYTES || this.#gc === null) return;
    this.#bytes = 0;
    this.#gc({ type: 'minor' });
  }
}

function exposedGc(): GcFunction | null {
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    return null;
  }
}
