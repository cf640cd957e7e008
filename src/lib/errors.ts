// The errors a program sees (SPEC §10: classes exported by the package, with the CLI's
// messages). Every one is a SpoolError with the CLI's exit code and, from a broker, its protocol
// error code; the broker's refusals that a program branches on get their own class.
import { ErrorCode } from '../common/error-codes.js';
import { BrokerError, SpoolError } from '../common/errors.js';

export {
  BrokerError,
  BrokerUnavailableError,
  CorruptBatchError,
  OffsetOutOfRangeError,
  ProtocolError,
  SpoolError,
  UsageError,
} from '../common/errors.js';
export { ErrorCode } from '../common/error-codes.js';
export { ExitCode } from '../common/exit-codes.js';

/** The topic (or partition) does not exist. */
export class TopicNotFoundError extends BrokerError {
  constructor(message: string) {
    super(ErrorCode.UnknownTopicOrPartition, message);
  }
}

/** `topics.create` of a topic that exists (without `ifNotExists`). */
export class TopicExistsError extends BrokerError {
  constructor(message: string) {
    super(ErrorCode.TopicAlreadyExists, message);
  }
}

/** The group does not exist. */
export class GroupNotFoundError extends BrokerError {
  constructor(message: string) {
    super(ErrorCode.GroupIdNotFound, message);
  }
}

/** Reset or delete of a group that has members. */
export class GroupNotEmptyError extends BrokerError {
  constructor(message: string) {
    super(ErrorCode.NonEmptyGroup, message);
  }
}

/** A record over the topic's max.message.bytes. */
export class MessageTooLargeError extends BrokerError {
  constructor(message: string) {
    super(ErrorCode.MessageTooLarge, message);
  }
}

const BY_CODE: ReadonlyMap<number, new (message: string) => BrokerError> = new Map<number, new (message: string) => BrokerError>([
  [ErrorCode.UnknownTopicOrPartition, TopicNotFoundError],
  [ErrorCode.TopicAlreadyExists, TopicExistsError],
  [ErrorCode.GroupIdNotFound, GroupNotFoundError],
  [ErrorCode.NonEmptyGroup, GroupNotEmptyError],
  [ErrorCode.MessageTooLarge, MessageTooLargeError],
]);

/**
 * What a program is given for `err`: a broker refusal with a class of its own becomes that
 * class (same message and code), other SpoolErrors stay as they are, and anything else (a bug)
 * is wrapped in a SpoolError that keeps it as its cause.
 */
export function libraryError(err: unknown): Error {
  if (err instanceof BrokerError) {
    const broker: BrokerError = err;
    const Specific = BY_CODE.get(broker.code);
    if (Specific === undefined || broker.constructor === Specific) return broker;
    const specific = new Specific(broker.message);
    if (broker.stack !== undefined) specific.stack = broker.stack;
    return specific;
  }
  if (err instanceof SpoolError) return err;
  return new SpoolError(err instanceof Error ? err.message : String(err), { cause: err });
}

/** Run `work`, giving a program its errors as libraryError() says. */
export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw libraryError(err);
  }
}
