// Decompression of a batch's records section. spool writes none or gzip; batches from other
// Kafka clients may also carry snappy (raw block or xerial stream) or lz4 (frame format), decoded
// by hand-written readers. zstd is not readable yet and is named in the error.
import { gunzipSync } from 'node:zlib';
import { CorruptBatchError } from '../common/errors.js';
import { decompressLz4Frame } from './lz4.js';
import { COMPRESSION_NAMES, Compression } from './record-batch.js';
import { decompressSnappy } from './snappy.js';

export function decompressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      try {
        return gunzipSync(data);
      } catch (err) {
        throw new CorruptBatchError(`gzip records section does not decompress: ${(err as Error).message}`);
      }
    case Compression.Snappy:
      return decompressSnappy(data);
    case Compression.Lz4:
      return decompressLz4Frame(data);
    default: {
      const name = COMPRESSION_NAMES[codec] ?? `codec ${codec}`;
      throw new CorruptBatchError(
        `batch is compressed with ${name}, which spool cannot decompress (none, gzip, snappy and lz4 are supported)`,
      );
    }
  }
}
