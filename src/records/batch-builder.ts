// BatchBuilder: the producer's hot path. Records are varint-framed straight into one reusable
// buffer (no per-record objects); build() writes the batch header, compresses if asked, seals the
// CRC and hands back the finished RecordBatch v2 bytes with baseOffset 0 for the broker to stamp.
// An idempotent producer's id and epoch, and the batch's base sequence, go into the header before
// the CRC is sealed (the CRC covers them).
import { compressRecords } from './compression.js';
import {
  BATCH_HEADER_SIZE,
  COMPRESSION_NAMES,
  Compression,
  RECORDS_OFFSET,
  sealBatch,
  writeBatchHeader,
} from './record-batch.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from './producer-sequence.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from './varint.js';

const NO_PARTITION_LEADER_EPOCH = -1;

/** The idempotent producer a builder writes batches for. */
export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
}

const NO_PRODUCER: BatchProducer = { producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };

/** Bytes one record takes in a batch (length prefix included). */
export function encodedRecordSize(
  timestampDelta: number,
  offsetDelta: number,
  keyLength: number,
  valueLength: number,
  headersSize: number,
): number {
  const body =
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    varintSize(keyLength) +
    (keyLength > 0 ? keyLength : 0) +
    varintSize(valueLength) +
    (valueLength > 0 ? valueLength : 0) +
    headersSize;
  return varintSize(body) + body;
}

export class BatchBuilder {
  readonly #capacity: number;
  readonly #compression: Compression;
  readonly #producer: BatchProducer;
  #buf: Buffer;
  #pos = RECORDS_OFFSET;
  #count = 0;
  #baseTimestamp = 0;
  #maxTimestamp = 0;

  constructor(capacityBytes: number, compression: Compression = Compression.None, producer: BatchProducer = NO_PRODUCER) {
    // The codec goes into the attributes as given: one that does not exist must not get there.
    if (COMPRESSION_NAMES[compression] === undefined) throw new RangeError(`compression codec ${compression} does not exist`);
    this.#capacity = Math.max(capacityBytes, BATCH_HEADER_SIZE + 16);
    this.#compression = compression;
    this.#producer = producer;
    this.#buf = Buffer.allocUnsafe(this.#capacity);
  }

  get recordCount(): number {
    return this.#count;
  }

  get sizeBytes(): number {
    return this.#pos;
  }

  /**
   * Append one record; false (and nothing written) when it would overflow a non-empty batch.
   * A record larger than the capacity still goes into an empty batch on its own: whether it is
   * too large is the caller's decision (max.message.bytes), not the builder's.
   */
  append(
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    valueStart: number,
    valueEnd: number,
    headers: Buffer,
  ): boolean {
    if (this.#count === 0) {
      this.#baseTimestamp = timestamp;
      this.#maxTimestamp = timestamp;
    }
    const timestampDelta = timestamp - this.#baseTimestamp;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : valueEnd - valueStart;
    const body =
      1 +
      varlongSize(timestampDelta) +
      varintSize(this.#count) +
      varintSize(keyLength) +
      (keyLength > 0 ? keyLength : 0) +
      varintSize(valueLength) +
      (valueLength > 0 ? valueLength : 0) +
      headers.length;
    const size = varintSize(body) + body;
    if (this.#pos + size > this.#buf.length) {
      if (this.#count > 0) return false;
      this.#buf = Buffer.allocUnsafe(RECORDS_OFFSET + size);
    }
    const buf = this.#buf;
    let pos = writeVarint(buf, this.#pos, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, this.#count);
    pos = writeVarint(buf, pos, keyLength);
    if (keyLength > 0) pos += key!.copy(buf, pos);
    pos = writeVarint(buf, pos, valueLength);
    if (valueLength > 0) pos += value!.copy(buf, pos, valueStart, valueEnd);
    if (headers.length === 1) buf[pos++] = headers[0]!;
    else pos += headers.copy(buf, pos);
    this.#pos = pos;
    this.#count++;
    if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    return true;
  }

  /**
   * The finished batch; the builder is empty afterwards. Null when nothing was appended.
   * `baseSequence`: the sequence of its first record, for an idempotent producer (-1 otherwise).
   */
  build(baseSequence = NO_SEQUENCE): Buffer | null {
    if (this.#count === 0) return null;
    const header = {
      baseOffset: 0,
      partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
      attributes: this.#compression,
      lastOffsetDelta: this.#count - 1,
      baseTimestamp: this.#baseTimestamp,
      maxTimestamp: this.#maxTimestamp,
      producerId: this.#producer.producerId,
      producerEpoch: this.#producer.producerEpoch,
      baseSequence,
      recordCount: this.#count,
    };
    let batch: Buffer;
    if (this.#compression !== Compression.None) {
      const compressed = compressRecords(this.#compression, this.#buf.subarray(RECORDS_OFFSET, this.#pos));
      batch = Buffer.allocUnsafe(RECORDS_OFFSET + compressed.length);
      compressed.copy(batch, RECORDS_OFFSET);
    } else if (this.#pos < this.#capacity >> 2) {
      // Small batches are copied out so the big buffer is reused instead of pinned in flight.
      batch = Buffer.allocUnsafe(this.#pos);
      this.#buf.copy(batch, 0, 0, this.#pos);
    } else {
      batch = this.#buf.subarray(0, this.#pos);
      this.#buf = Buffer.allocUnsafe(this.#capacity);
    }
    if (this.#buf.length !== this.#capacity) this.#buf = Buffer.allocUnsafe(this.#capacity);
    writeBatchHeader(batch, 0, header);
    sealBatch(batch, 0, batch.length);
    this.#pos = RECORDS_OFFSET;
    this.#count = 0;
    return batch;
  }
}
