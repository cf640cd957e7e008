// GroupDirectory: the one namespace of consumer groups, shared by spool's own coordinator
// (server-side assignment, SPEC §5) and Kafka's classic-protocol coordinator (SPEC §8). Neither
// coordinator knows the other: each registers as a GroupDriver, and claims a group here when a
// member joins it. A group is driven by one protocol at a time: a claim on a group whose members
// speak the other protocol is refused; a claim on an idle group of the other protocol takes it
// over (its generation goes on, its committed offsets stay: they are one store).
//
// Admin operations that must hold for both kinds (`spool group list|describe|reset|delete`,
// Kafka's DeleteGroups) go through here. Single-threaded: all on the broker's event loop.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import type { GroupStateName } from '../protocol/messages/group-admin.js';
import type { TopicPartition } from '../protocol/messages/topic-partitions.js';
import type { GroupProtocol, GroupRow, GroupStore, OffsetToSave } from '../storage/group-store.js';

export type { GroupProtocol, GroupRow };

/** One member as `spool group describe` shows it, whichever protocol it speaks. */
export interface MemberOverview {
  memberId: string;
  clientId: string;
  /** The client's process id: spool's consumers say it; Kafka clients do not (null). */
  pid: number | null;
  host: string;
  /** What the member reads now. */
  assignment: TopicPartition[];
  /**
   * The partitions the partition table shows it as the owner of: what it reads, or, while it
   * reads nothing yet, what it is about to get.
   */
  listedPartitions: TopicPartition[];
}

/** A live group as `spool group` shows it. */
export interface GroupOverview {
  name: string;
  protocol: GroupProtocol;
  state: GroupStateName;
  generation: number;
  members: MemberOverview[];
  /** The partitions its members subscribe to (described even before anything is committed). */
  subscribed: TopicPartition[];
}

/** A coordinator of one protocol, as the directory sees it. */
export interface GroupDriver {
  readonly protocol: GroupProtocol;
  /** The group while this driver holds it in memory; undefined otherwise. */
  overview(name: string): GroupOverview | undefined;
  /** Members in the group now (0 when this driver does not hold it). */
  memberCount(name: string): number;
  /** Drop the group from memory: deleted, or taken over by the other protocol while idle. */
  forget(name: string): void;
}

const PROTOCOL_NAMES: Record<GroupProtocol, string> = { spool: 'spool consumers', kafka: 'Kafka clients' };

export class GroupDirectory {
  readonly #store: GroupStore;
  readonly #now: () => number;
  readonly #rows = new Map<string, GroupRow>();
  readonly #drivers = new Map<GroupProtocol, GroupDriver>();

  constructor(store: GroupStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
    for (const row of store.groups()) this.#rows.set(row.name, row);
  }

  get store(): GroupStore {
    return this.#store;
  }

  register(driver: GroupDriver): void {
    this.#drivers.set(driver.protocol, driver);
  }

  unregister(driver: GroupDriver): void {
    if (this.#drivers.get(driver.protocol) === driver) this.#drivers.delete(driver.protocol);
  }

  row(name: string): GroupRow | undefined {
    return this.#rows.get(name);
  }

  /** Every stored group's row, by name. */
  rows(): GroupRow[] {
    return [...this.#rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * A member of `protocol` joins `name`: returns the group's row, created or taken over.
   * Throws (INCONSISTENT_GROUP_PROTOCOL) while members of the other protocol are in it.
   */
  claim(name: string, protocol: GroupProtocol, protocolType: string | null): GroupRow {
    const row = this.#rows.get(name);
    if (row === undefined) {
      const created: GroupRow = { name, generation: 0, createdMs: this.#now(), protocol, protocolType };
      this.#rows.set(name, created);
      this.#store.groupClaim(created);
      return created;
    }
    if (row.protocol !== protocol) {
      const holder = this.#drivers.get(row.protocol);
      const members = holder?.memberCount(name) ?? 0;
      if (members > 0) {
        throw new SpoolError(
          `group "${name}" is in use by ${PROTOCOL_NAMES[row.protocol]} (${members} member${members === 1 ? '' : 's'}); a group is driven by one protocol at a time: use another group name or stop them first`,
          { code: ErrorCode.InconsistentGroupProtocol },
        );
      }
      holder?.forget(name);
    }
    if (row.protocol !== protocol || row.protocolType !== protocolType) {
      row.protocol = protocol;
      row.protocolType = protocolType;
      this.#store.groupClaim(row);
    }
    return row;
  }

  /** The group's row, created for `protocol` if it has none (offsets committed from outside any member). */
  ensure(name: string, protocol: GroupProtocol, protocolType: string | null): GroupRow {
    const row = this.#rows.get(name);
    if (row !== undefined) return row;
    const created: GroupRow = { name, generation: 0, createdMs: this.#now(), protocol, protocolType };
    this.#rows.set(name, created);
    this.#store.groupClaim(created);
    return created;
  }

  saveGeneration(name: string, generation: number): void {
    const row = this.#rows.get(name);
    if (row === undefined) return;
    row.generation = generation;
    this.#store.groupClaim(row);
  }

  /** Members of `name` now, whichever protocol. */
  memberCount(name: string): number {
    const row = this.#rows.get(name);
    return row === undefined ? 0 : (this.#drivers.get(row.protocol)?.memberCount(name) ?? 0);
  }

  /** The group as `spool group` shows it; an idle one (no driver holds it) is empty. */
  overview(name: string): GroupOverview | undefined {
    const row = this.#rows.get(name);
    if (row === undefined) return undefined;
    return (
      this.#drivers.get(row.protocol)?.overview(name) ?? {
        name,
        protocol: row.protocol,
        state: 'empty',
        generation: row.generation,
        members: [],
        subscribed: [],
      }
    );
  }

  overviews(): GroupOverview[] {
    return this.rows().map((row) => this.overview(row.name)!);
  }

  requireOverview(name: string): GroupOverview {
    const overview = this.overview(name);
    if (overview === undefined) throw new SpoolError(`group "${name}" does not exist`, { code: ErrorCode.GroupIdNotFound });
    return overview;
  }

  /** Store offsets on behalf of an administrator (group reset); only for groups without members. */
  setOffsets(name: string, offsets: readonly OffsetToSave[]): void {
    this.requireOverview(name);
    this.#requireEmpty(name, 'reset its offsets');
    this.#store.offsetsSave(name, offsets, this.#now());
  }

  /** Delete a group and its committed offsets; only when it has no members. */
  delete(name: string): void {
    const row = this.#rows.get(name);
    if (row === undefined) throw new SpoolError(`group "${name}" does not exist`, { code: ErrorCode.GroupIdNotFound });
    this.#requireEmpty(name, 'delete it');
    this.#drivers.get(row.protocol)?.forget(name);
    this.#rows.delete(name);
    this.#store.groupDelete(name);
  }

  #requireEmpty(name: string, what: string): void {
    const members = this.memberCount(name);
    if (members > 0) {
      throw new SpoolError(`group "${name}" has ${members} active member(s); stop them before you ${what}`, { code: ErrorCode.NonEmptyGroup });
    }
  }
}
