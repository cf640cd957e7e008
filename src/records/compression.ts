// Decompression of a batch's records section. spool writes none or gzip; batches from other
// Kafka clients may carry any codec, and those this build cannot read are named in the error.
import { gunzipSync } from 'node:zlib';
import { CorruptBatchError } from '../common/errors.js';
import { COMPRESSION_NAMES, Compression } from './record-batch.js';

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
    default: {
      const name = COMPRESSION_NAMES[codec] ?? `codec ${codec}`;
      throw new CorruptBatchError(`batch is compressed with ${name}, which spool cannot decompress (none and gzip are supported)`);
    }
  }
}
