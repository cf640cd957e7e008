// kafka > topic configs as DescribeConfigs shows them: a value set on the topic is
// DYNAMIC_TOPIC_CONFIG, one from a broker flag that differs from the built-in default is
// STATIC_BROKER_CONFIG, and everything else is the default — also max.message.bytes when the broker
// runs with --max-message-bytes at its default, which `spool topic describe` lists as a default.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigSource, topicConfigEntries } from '../../../src/kafka/config-entries.js';

function sources(overrides: Record<string, string>, brokerDefaults: Record<string, string>): Record<string, [string, number]> {
  return Object.fromEntries(topicConfigEntries({ overrides }, brokerDefaults).map((e) => [e.name, [e.value, e.source]]));
}

describe('kafka > topic config entries', () => {
  test('a broker flag left at the built-in default is the default', () => {
    const entries = sources({ 'retention.ms': '3600000' }, { 'max.message.bytes': '1048576' });
    assert.deepEqual(entries['retention.ms'], ['3600000', ConfigSource.DynamicTopic]);
    assert.deepEqual(entries['max.message.bytes'], ['1048576', ConfigSource.Default]);
    assert.deepEqual(entries['segment.bytes'], ['67108864', ConfigSource.Default]);
  });

  test('a broker flag with another value is the broker’s; a topic’s own value still wins', () => {
    assert.deepEqual(sources({}, { 'max.message.bytes': '2000000' })['max.message.bytes'], ['2000000', ConfigSource.StaticBroker]);
    assert.deepEqual(sources({ 'max.message.bytes': '3000' }, { 'max.message.bytes': '2000000' })['max.message.bytes'], ['3000', ConfigSource.DynamicTopic]);
  });
});
