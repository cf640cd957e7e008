// A second reporter for `npm test`: after the TAP stream, one block naming every failed test (its
// file, the suites around it, its error's first lines). A log that is cut to its last lines, as a
// CI's often is, still says what failed.
import { relative } from 'node:path';

export default async function* failures(source) {
  const failed = [];
  const open = new Map(); // file -> names of the tests started at each nesting level
  for await (const event of source) {
    const { data } = event;
    if (event.type === 'test:start') {
      const stack = open.get(data.file) ?? [];
      stack.length = data.nesting;
      stack.push(data.name);
      open.set(data.file, stack);
    } else if (event.type === 'test:fail') {
      const error = data.details?.error;
      // A suite fails because a test in it did: that test is listed itself.
      if (error?.failureType === 'subtestsFailed') continue;
      const path = (open.get(data.file) ?? []).slice(0, data.nesting).concat(data.name).join(' > ');
      const cause = error?.cause ?? error;
      const message = String(cause?.message ?? cause ?? 'failed').split('\n').slice(0, 6).join('\n    ');
      failed.push(`${data.file ? relative(process.cwd(), data.file) : '?'}: ${path}\n    ${message}`);
    }
  }
  if (failed.length === 0) return;
  yield `\n# ${failed.length} failed:\n`;
  for (const line of failed) yield `# ${line.replaceAll('\n', '\n# ')}\n`;
}
