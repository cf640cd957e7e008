// The version in package.json, read once, for --version and the broker's status.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function spoolVersion(): string {
  if (cached === undefined) {
    // dist/src/common/version.js -> package.json at the project root
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
