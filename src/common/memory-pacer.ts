// MemoryPacer keeps a long-running process's memory flat under load. Buffers such as socket
// reads (64 KiB each) and segment reads for fetches (up to 1 MiB each) become garbage within
// milliseconds, but V8 only collects them once tens of megabytes of such external memory have
// piled up; a live view's rows are promoted before they die and wait for a full collection. So
// the process counts the bytes that pass through it and collects itself: a young-generation
// collection (about a millisecond) every `minorEveryBytes`, and, when asked, a full one every
// `majorEveryBytes`. gc is taken from the process when it runs with --expose-gc; otherwise V8's
// flag is set at run time and gc taken from a fresh context (the broker is launched without the
// flag: a V8 flag on the command line makes Node compile its own modules without their code cache,
// which slows every start).
import { createRequire } from 'node:module';

type GcFunction = (options?: { type: 'minor' | 'major'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

export interface MemoryPacerOptions {
  minorEveryBytes?: number;
  /** Also run a full collection this often (off by default). */
  majorEveryBytes?: number;
  /**
   * Make the full collection one that also gives memory back to the OS (V8's "last resort"
   * collection): otherwise V8 keeps the pages it grew into, and the RSS only ever rises.
   */
  shrink?: boolean;
}

export class MemoryPacer {
  /** undefined until first needed: finding gc may create a context, which start-up can skip. */
  #gc: GcFunction | null | undefined;
  readonly #minorEveryBytes: number;
  readonly #majorEveryBytes: number;
  readonly #shrink: boolean;
  #sinceMinor = 0;
  #sinceMajor = 0;

  constructor(options: MemoryPacerOptions = {}, gc?: GcFunction | null) {
    this.#gc = gc;
    this.#minorEveryBytes = options.minorEveryBytes ?? 8 * 1024 * 1024;
    this.#majorEveryBytes = options.majorEveryBytes ?? Infinity;
    this.#shrink = options.shrink ?? false;
  }

  /** Count `bytes` of short-lived buffers; collect when enough have gone by. */
  account(bytes: number): void {
    this.#sinceMinor += bytes;
    this.#sinceMajor += bytes;
    if (this.#sinceMajor >= this.#majorEveryBytes) {
      this.#sinceMajor = 0;
      this.#sinceMinor = 0;
      this.#collect({ type: 'major', flavor: this.#shrink ? 'last-resort' : 'regular' });
    } else if (this.#sinceMinor >= this.#minorEveryBytes) {
      this.#sinceMinor = 0;
      this.#collect({ type: 'minor' });
    }
  }

  #collect(options: Parameters<GcFunction>[0]): void {
    if (this.#gc === undefined) this.#gc = exposedGc();
    this.#gc?.(options);
  }
}

function exposedGc(): GcFunction | null {
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (typeof existing === 'function') return existing;
  try {
    // Loaded here, at the first collection, rather than with the process.
    const require = createRequire(import.meta.url);
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
    const gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    return null;
  }
}
