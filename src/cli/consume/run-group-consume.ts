// Consuming as a member of a consumer group (issue: consumer groups). Not available yet.
import { SpoolError } from '../../common/errors.js';
import type { GroupSettings } from '../commands/consume.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { ConsumeSettings } from './run-consume.js';

export async function runGroupConsume(_globals: GlobalOptions, _settings: ConsumeSettings, group: GroupSettings, _io: CliIo): Promise<void> {
  throw new SpoolError(`consumer groups are not available in this build yet (--group ${group.group})`);
}
