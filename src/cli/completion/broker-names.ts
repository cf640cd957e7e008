// Topic and group names for completion, asked of a running broker. Never starts one, never
// prints an error, and gives up after a moment: completion must stay quiet and quick.
import { Admin } from '../../client/admin.js';
import type { Connection } from '../../client/connection.js';
import { resolveLocations } from '../../common/paths.js';
import { tryConnect } from '../broker-client.js';

const ASK_TIMEOUT_MS = 1500;

export async function brokerNames(kind: 'topics' | 'groups', flags: { dataDir?: string; socket?: string }, env: NodeJS.ProcessEnv): Promise<string[]> {
  let connection: Connection | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { socketPath } = resolveLocations(flags, env);
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), ASK_TIMEOUT_MS);
    });
    const ask = async (): Promise<string[]> => {
      connection = await tryConnect(socketPath);
      if (connection === null) return [];
      const admin = new Admin(connection);
      if (kind === 'topics') return (await admin.metadata({})).topics.map((t) => t.name);
      return (await admin.listGroups()).map((g) => g.group);
    };
    return (await Promise.race([ask(), timeout])).sort();
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
    (connection as Connection | null)?.close();
  }
}
