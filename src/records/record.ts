// One record inside a RecordBatch v2 records section (all varints zigzag-encoded):
//
//   length          varint   bytes after this field
//   attributes      int8     unused, 0
//   timestampDelta  varlong  timestamp - baseTimestamp
//   offsetDelta     varint   offset - baseOffset
//   keyLength       varint   -1 for a null key
//   key             bytes
//   valueLength     varint   -1 for a null value
//   value           bytes
//   headerCount     varint
//   headers         [keyLength varint, key (UTF-8), valueLength varint (-1 null), value]

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as a producer hands it over: no offset yet. */
export interface ProducerRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: number;
}

/** A record read back from the log. */
export interface ConsumerRecord extends ProducerRecord {
  offset: number;
}
