// The frame sequence of an LZ4 or zstd records section: frames of the codec, with skippable
// frames (magic 0x184D2A5X, a u32 LE size, that many bytes; the same in both formats) passed
// over. Each codec reads its own frames; this walks between them and names what is malformed.
import { CorruptBatchError } from '../common/errors.js';

const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

export interface FrameFormat {
  /** The codec's name in error messages: "lz4", "zstd". */
  name: string;
  /** What its frames are called: "LZ4 frame", "zstd frame". */
  frameName: string;
  /** Its frame magic, as a u32 LE. */
  magic: number;
}

/**
 * Call `readFrame` with the position just after each of the codec's frame magics (it returns the
 * position after that frame) until `data` ends; at least one frame is expected.
 */
export function walkFrames(data: Buffer, format: FrameFormat, readFrame: (pos: number) => number): void {
  let pos = 0;
  do {
    need(data, pos, 4, 'frame magic', format);
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data, pos, 4, 'skippable frame size', format);
      const size = data.readUInt32LE(pos);
      need(data, pos + 4, size, 'skippable frame', format);
      pos += 4 + size;
    } else if (magic === format.magic) {
      pos = readFrame(pos);
    } else {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32LE(format.magic);
      const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new CorruptBatchError(`${format.name} records section is malformed: expected the ${format.frameName} magic ${hex} at byte ${pos - 4}`);
    }
  } while (pos < data.length);
}

function need(data: Buffer, pos: number, bytes: number, what: string, format: FrameFormat): void {
  if (data.length - pos < bytes) throw new CorruptBatchError(`${format.name} records section is malformed: ${what} at byte ${pos} is truncated`);
}
