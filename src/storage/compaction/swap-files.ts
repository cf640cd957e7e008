// The files of a compaction swap: the copy is written beside the segment it replaces, under a
// name recovery deletes (a crash before the swap leaves the original whole), and the originals
// are kept alive under a second such name until the swap is done, so that their pages are freed
// off the event loop.
import { linkSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { CLEANED_SUFFIX, SEGMENT_SUFFIX } from '../file-names.js';

/** `<base>.log.cleaned` beside `<base>.log`. */
export function cleanedPathOf(segmentPath: string): string {
  return segmentPath.slice(0, -SEGMENT_SUFFIX.length) + CLEANED_SUFFIX;
}

/** `<base>.replaced.log.cleaned`: a second name of an original, kept only while it is swapped out. */
function retiredPathOf(segmentPath: string): string {
  return segmentPath.slice(0, -SEGMENT_SUFFIX.length) + RETIRED_INFIX + CLEANED_SUFFIX;
}

const RETIRED_INFIX = '.replaced';

/**
 * Renaming the copy over an original, or removing one, frees the original's pages inside rename(2)
 * or unlink(2), on the event loop: ~40 ms for a cached 64 MiB segment. A second name (a hard link)
 * taken first keeps the inode alive through it; release() then drops that name on the thread pool. The name
 * ends in `.log.cleaned`, so a crash in between leaves a file recovery deletes. Without hard
 * links (some file systems) the swap just pays the cost.
 */
export function retireLater(segmentPath: string): { release(): void } {
  const path = retiredPathOf(segmentPath);
  try {
    rmSync(path, { force: true });
    linkSync(segmentPath, path);
  } catch {
    return { release: () => {} };
  }
  // Not awaited: nothing depends on when the old bytes go, and a failure leaves a file recovery deletes.
  return { release: () => void rm(path, { force: true }).catch(() => undefined) };
}
