// `spool broker status --broker kafka://…`: the cluster instead of the local daemon — its id,
// controller, brokers and, per API, the versions both it and spool's client speak. Exit 0 when
// it answers; an unreachable cluster exits 3 as every command does.
import type { ClusterStatus } from '../client/target/target.js';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';
import { openTarget } from './open-target.js';

/** False when the broker given is the local one after all (a profile with a unix: url). */
export async function clusterStatus(globals: GlobalOptions, json: boolean, io: CliIo): Promise<boolean> {
  const { resolveBrokerAddress } = await import('../client/broker-address.js');
  if ((await resolveBrokerAddress(globals, io.env)).kind === 'unix') return false;
  const target = await openTarget(globals, io);
  try {
    const status = await target.admin.status();
    if (status.kind !== 'cluster') return false;
    io.stdout.write(json ? JSON.stringify({ running: true, ...status.cluster }) + '\n' : renderCluster(status.cluster));
    return true;
  } finally {
    await target.close();
  }
}

function renderCluster(c: ClusterStatus): string {
  const brokers = c.brokers.map((b) => `${b.nodeId} ${b.host}:${b.port}${b.rack === null ? '' : ` (rack ${b.rack})`}${b.nodeId === c.controller ? ' controller' : ''}`);
  const versions = c.apiVersions.map((v) => `${v.api} ${v.minVersion}-${v.maxVersion}`);
  const lines = [
    'cluster running',
    `  id          ${c.clusterId}`,
    `  controller  ${c.controller}`,
    `  bootstrap   ${c.bootstrap.join(',')}`,
    `  brokers     ${brokers[0] ?? '(none)'}`,
    ...brokers.slice(1).map((b) => `              ${b}`),
    `  versions    ${versions.slice(0, 6).join(', ')}`,
  ];
  for (let i = 6; i < versions.length; i += 6) lines.push(`              ${versions.slice(i, i + 6).join(', ')}`);
  return lines.join('\n') + '\n';
}
