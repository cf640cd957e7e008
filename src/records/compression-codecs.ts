// The codecs a RecordBatch's attributes name (bits 0-2), in a module of their own with no
// imports: the CLI names them in `--help` without loading the batch code and its native CRC-32C.
export const Compression = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type Compression = (typeof Compression)[keyof typeof Compression];
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
