// Metadata: partition counts and the configs a producer must respect; creates a missing topic
// when asked (producing to a missing topic creates it with the default partitions, SPEC §3).
import { isGlob, matchesAny } from '../../common/glob.js';
import { parseMetadataRequest, type MetadataResponse, type TopicMetadata } from '../../protocol/messages/metadata.js';
import type { Topic } from '../../storage/log-manager.js';
import { createTopic } from '../topic-operations.js';
import { jsonHandler } from './handler.js';

export const handleMetadata = jsonHandler(parseMetadataRequest, (ctx, request): MetadataResponse => {
  const missing: string[] = [];
  if (request.topics !== undefined) {
    for (const name of request.topics) {
      if (isGlob(name) || ctx.logs.topic(name) !== undefined) continue;
      if (request.autoCreate) {
        createTopic(ctx, { name, partitions: null, configs: {}, reason: 'on first produce' });
      } else missing.push(name);
    }
  }
  const wanted = request.topics;
  const topics = ctx.logs.topics().filter((t) => wanted === undefined || matchesAny(t.name, wanted));
  return { topics: topics.map(topicMetadata), missing, fsync: ctx.config.fsync, fsyncIntervalMs: ctx.config.fsyncIntervalMs };
});

function topicMetadata(topic: Topic): TopicMetadata {
  return {
    name: topic.name,
    partitions: topic.partitions.length,
    maxMessageBytes: topic.config.maxMessageBytes,
    cleanupPolicy: topic.config.cleanupPolicy,
  };
}
