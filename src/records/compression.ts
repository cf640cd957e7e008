// The one door to the compression codecs of a batch's records section: BatchBuilder compresses
// through it, RecordCursor (consume, tail, dump, compaction) decompresses through it, and
// compaction re-compresses kept records with the batch's own codec. gzip is node:zlib's; snappy
// (xerial written, raw block or xerial read), lz4 (frame) and zstd are in snappy.ts, lz4.ts and
// zstd.ts, whose libraries are loaded on first use only, so that a command that never meets a
// codec does not pay for loading it.
import { createRequire } from 'node:module';
import { CorruptBatchError } from '../common/errors.js';
import { compressLz4Frame, decompressLz4Frame } from './lz4.js';
import { COMPRESSION_NAMES, Compression } from './record-batch.js';
import { compressSnappyXerial, decompressSnappy } from './snappy.js';
import { compressZstd, decompressZstd } from './zstd.js';

// node:zlib is required on first use (its module and binding cost a millisecond of every start):
// most batches are not gzip.
const require = createRequire(import.meta.url);
const zlib = (): typeof import('node:zlib') => require('node:zlib') as typeof import('node:zlib');

/** The records section `data` compressed with `codec`, as Kafka clients write it. */
export function compressRecords(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return zlib().gzipSync(data);
    case Compression.Snappy:
      return compressSnappyXerial(data);
    case Compression.Lz4:
      return compressLz4Frame(data);
    case Compression.Zstd:
      return compressZstd(data);
    default:
      throw new RangeError(`compression codec ${String(codec)} does not exist (${COMPRESSION_NAMES.join(', ')})`);
  }
}

/** The records section `data` of a batch whose attributes name `codec`; CorruptBatchError if it does not decompress. */
export function decompressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      try {
        return zlib().gunzipSync(data);
      } catch (err) {
        throw new CorruptBatchError(`gzip records section does not decompress: ${(err as Error).message}`);
      }
    case Compression.Snappy:
      return decompressSnappy(data);
    case Compression.Lz4:
      return decompressLz4Frame(data);
    case Compression.Zstd:
      return decompressZstd(data);
    default:
      throw new CorruptBatchError(`batch is compressed with codec ${codec}, which Kafka does not define (${COMPRESSION_NAMES.join(', ')} are)`);
  }
}
