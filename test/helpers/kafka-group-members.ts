// Members of Kafka consumer groups in e2e tests: confluent-kafka processes running
// test/fixtures/kafka-clients/group_consume.py (one JSON line per event), and what they printed.
import { spawnPython } from './kafka-clients.js';
import type { SpoolProcess } from './spool-cli.js';

export interface PythonEvent {
  assigned?: Array<[string, number]>;
  revoked?: Array<[string, number]>;
  p?: number;
  o?: number;
  v?: string | null;
  error?: string;
  commitError?: string;
  closed?: boolean;
}

/** A confluent-kafka member of `group` on `topic`; `props` are extra client properties. */
export function startPythonMember(bootstrap: string, topic: string, group: string, props: readonly string[] = []): SpoolProcess {
  return spawnPython('group_consume.py', bootstrap, [topic, group, ...props]);
}

export function pythonEvents(member: SpoolProcess): PythonEvent[] {
  const text = member.stdout.toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PythonEvent);
}

/** The records a member printed, as `partition/offset` keys with their values. */
export function pythonRecords(member: SpoolProcess): Array<{ key: string; partition: number; offset: number; value: string | null }> {
  return pythonEvents(member)
    .filter((e) => e.p !== undefined)
    .map((e) => ({ key: `${e.p}/${e.o}`, partition: e.p!, offset: e.o!, value: e.v ?? null }));
}

/** The partitions a member was last assigned (after its last assigned/revoked event). */
export function pythonAssignment(member: SpoolProcess): number[] {
  let owned: number[] = [];
  for (const e of pythonEvents(member)) {
    if (e.assigned !== undefined) owned = e.assigned.map(([, p]) => p).sort((a, b) => a - b);
    if (e.revoked !== undefined) owned = [];
  }
  return owned;
}
