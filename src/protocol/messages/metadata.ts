// Metadata: what a producer or consumer needs to know about topics before it starts.
//
//   Metadata Request  => { topics?: [string], autoCreate?: boolean }
//     topics      names to describe (glob patterns allowed: * ? [..]); all topics when absent
//     autoCreate  create a missing (non-glob) topic with the broker's default partitions
//   Metadata Response => { topics: [{ name, partitions, maxMessageBytes, cleanupPolicy }],
//                          missing: [string], fsync, fsyncIntervalMs }
//     fsync  the broker's policy (always | interval | never), so a producer can say how durable
//            its acknowledged data is
import { asObject, boolField, stringArrayField } from '../validate.js';

export interface MetadataRequest {
  topics?: string[];
  autoCreate?: boolean;
}

export interface TopicMetadata {
  name: string;
  partitions: number;
  maxMessageBytes: number;
  cleanupPolicy: string;
}

export interface MetadataResponse {
  topics: TopicMetadata[];
  missing: string[];
  fsync: string;
  fsyncIntervalMs: number;
}

export function parseMetadataRequest(value: unknown): MetadataRequest {
  const o = asObject(value);
  const topics = stringArrayField(o, 'topics');
  return { ...(topics === undefined ? {} : { topics }), autoCreate: boolField(o, 'autoCreate') };
}
