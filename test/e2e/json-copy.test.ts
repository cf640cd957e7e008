// e2e: `spool consume a -e --format json | spool produce b --json` copies a topic exactly
// (SPEC §3 produce --json, §4): keys, null keys and values, headers, timestamps, partitions and
// bytes that are not UTF-8, header keys that repeat, through a real shell pipeline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

interface Envelope {
  topic: string;
  partition: number;
  offset: number;
  [field: string]: unknown;
}

/** A topic's records as envelope lines without their topic field, in partition/offset order. */
function withoutTopic(lines: string[], topic: string): string[] {
  const prefix = `{"topic":${JSON.stringify(topic)},`;
  return lines
    .map((line) => {
      assert.ok(line.startsWith(prefix), `envelope starts with the topic: ${line}`);
      const envelope = JSON.parse(line) as Envelope;
      return { partition: envelope.partition, offset: envelope.offset, rest: `{${line.slice(prefix.length)}` };
    })
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => r.rest);
}

describe('e2e > json copy', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  async function envelopes(topic: string): Promise<string[]> {
    const result = await sandbox.run(['consume', topic, '-e', '--format', 'json']);
    assertExit(result, 0, `consume ${topic} --format json`);
    return stdoutLines(result);
  }

  test('consume --format json | produce --json copies a 3-partition topic exactly', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'source', '-p', '3']), 0);
    const keyed = Array.from({ length: 60 }, (_, i) => `key-${i % 20}:value ${i} "quoted" \\ tab\there ü 🎉\r`).join('\n');
    assertExit(await sandbox.run(['produce', 'source', '-K', ':', '-H', 'app=spool', '-H', 'trace', '-H', 'app=again', '--quiet'], { input: keyed }), 0);
    assertExit(await sandbox.run(['produce', 'source', '--quiet'], { input: Array.from({ length: 30 }, (_, i) => `unkeyed ${i}`).join('\n') }), 0);
    const special = [
      { key: null, value: null, timestamp: 1_600_000_000_000, partition: 2 },
      { key: 'tombstone', value: null, timestamp: 1_600_000_000_001, headers: { h: null } },
      { key: '', value: '', timestamp: 1_600_000_000_002, partition: 0, headers: { 'ünï-key': 'välue', empty: '' } },
      { key: Buffer.from([0xff, 0xfe]).toString('base64'), keyEncoding: 'base64', value: Buffer.from([0, 0x80, 0xff]).toString('base64'), valueEncoding: 'base64', partition: 1 },
      { value: '{"nested":"json"}\n\u0000', timestamp: 0, partition: 1 },
      { key: 'repeated', value: 'r', partition: 0, headers: { a: ['1', null, '3'], b: '2' } },
      { key: 'repeated-binary', value: 'rb', partition: 2, headers: { bin: [Buffer.from([0xff]).toString('base64'), 'eA=='] }, headerEncodings: { bin: 'base64' } },
    ];
    assertExit(await sandbox.run(['produce', 'source', '--json', '--quiet'], { input: special.map((e) => JSON.stringify(e)).join('\n') + '\n' }), 0);

    const source = await envelopes('source');
    assert.equal(source.length, 97);
    assert.ok(source.some((line) => line.includes('"app":["spool","again"]')), 'a repeated header key is one array');
    assert.ok(source.some((line) => line.includes('"valueEncoding":"base64"')), 'the copy includes base64 values');
    assert.deepEqual(new Set(source.map((line) => (JSON.parse(line) as Envelope).partition)), new Set([0, 1, 2]));

    assertExit(await sandbox.run(['topic', 'create', 'copy', '-p', '3']), 0);
    const script = 'set -o pipefail\nspool consume source -e --format json | spool produce copy --json --quiet';
    const piped = await sandbox.shell(script);
    assertExit(piped, 0, 'the copy pipeline');
    assert.equal(piped.stderr, '');

    const copy = await envelopes('copy');
    assert.deepEqual(withoutTopic(copy, 'copy'), withoutTopic(source, 'source'));
  });

  test('produce --json takes the partition from the envelope unless -p is given, and ignores topic and offset', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'placed', '-p', '3']), 0);
    const lines = [
      { topic: 'elsewhere', offset: 42, partition: 2, value: 'to two', timestamp: 5 },
      { topic: 'elsewhere', offset: 7, partition: 1, value: 'to one', timestamp: 6 },
    ].map((e) => JSON.stringify(e));
    assertExit(await sandbox.run(['produce', 'placed', '--json', '--quiet'], { input: lines.join('\n') }), 0);
    assertExit(await sandbox.run(['produce', 'placed', '--json', '-p', '0', '--quiet'], { input: lines.join('\n') }), 0);
    const placed = await sandbox.run(['consume', 'placed', '-e', '-f', '%p %o %T %s\\n']);
    assertExit(placed, 0);
    assert.deepEqual(stdoutLines(placed).sort(), ['0 0 5 to two', '0 1 6 to one', '1 0 6 to one', '2 0 5 to two']);
  });
});
