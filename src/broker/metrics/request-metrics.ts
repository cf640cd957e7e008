// The metrics the broker feeds as things happen (broker/metrics-hooks.ts): requests per listener
// and kind (count, errors, latency), fsyncs and cleaner passes. A request costs one histogram
// observation and two integer increments; its label set is made once per listener and kind.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { CleanerPass, ListenerName } from '../metrics-hooks.js';

type RequestLabel = 'listener' | 'request';

interface RequestSeries {
  readonly labels: Readonly<Record<RequestLabel, string>>;
  requests: number;
  errors: number;
}

/** 100 µs to 10 s: a produce answered from memory up to a fetch or heartbeat that long-polls. */
const REQUEST_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FSYNC_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const CLEANER_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

export class RequestMetrics {
  /** Request series by listener, then by request kind (a bounded set: the kinds each door serves). */
  readonly #series = new Map<ListenerName, Map<string, RequestSeries>>([
    ['socket', new Map()],
    ['kafka', new Map()],
  ]);
  readonly #duration: Histogram<RequestLabel>;
  readonly #fsync: Histogram;
  readonly #cleanerPass: Histogram;
  readonly #cleanerTask: Counter<'task'>;
  readonly #segmentsDeleted: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    const series = () => [...this.#series.values()].flatMap((byKind) => [...byKind.values()]);
    this.#duration = new Histogram({
      name: 'spool_request_duration_seconds',
      help: 'Time from reading a request to answering it, per listener and request kind (a fetch or heartbeat includes its long-poll wait).',
      labelNames: ['listener', 'request'],
      buckets: REQUEST_BUCKETS_SECONDS,
      registers,
    });
    new Counter({
      name: 'spool_requests_total',
      help: 'Requests handled since the broker started, per listener and request kind.',
      labelNames: ['listener', 'request'],
      registers,
      collect() {
        this.reset();
        for (const s of series()) this.inc(s.labels, s.requests);
      },
    });
    new Counter({
      name: 'spool_request_errors_total',
      help: 'Requests answered with an error or that closed their connection, per listener and request kind (Kafka: a top-level error code; errors per partition are not counted).',
      labelNames: ['listener', 'request'],
      registers,
      collect() {
        this.reset();
        for (const s of series()) this.inc(s.labels, s.errors);
      },
    });
    this.#fsync = new Histogram({
      name: 'spool_fsync_duration_seconds',
      help: 'Time an fsync of a segment file took (the interval policy in the background, --fsync always and --durable before the answer).',
      buckets: FSYNC_BUCKETS_SECONDS,
      registers,
    });
    this.#cleanerPass = new Histogram({
      name: 'spool_cleaner_pass_duration_seconds',
      help: 'Time one pass of the cleaner (retention and compaction of every partition) took.',
      buckets: CLEANER_BUCKETS_SECONDS,
      registers,
    });
    this.#cleanerTask = new Counter({
      name: 'spool_cleaner_seconds_total',
      help: 'Time the cleaner spent on retention (with segment.ms rolls) and on compaction.',
      labelNames: ['task'],
      registers,
    });
    this.#cleanerTask.inc({ task: 'retention' }, 0);
    this.#cleanerTask.inc({ task: 'compaction' }, 0);
    this.#segmentsDeleted = new Counter({
      name: 'spool_retention_deleted_segments_total',
      help: 'Segments deleted by retention.ms and retention.bytes.',
      registers,
    });
  }

  request(listener: ListenerName, request: string, startedMs: number, failed: boolean): void {
    const byKind = this.#series.get(listener)!;
    let series = byKind.get(request);
    if (series === undefined) byKind.set(request, (series = { labels: { listener, request }, requests: 0, errors: 0 }));
    series.requests++;
    if (failed) series.errors++;
    this.#duration.observe(series.labels, (performance.now() - startedMs) / 1000);
  }

  fsync(ms: number): void {
    this.#fsync.observe(ms / 1000);
  }

  cleanerPass(pass: CleanerPass): void {
    this.#cleanerPass.observe(pass.durationMs / 1000);
    this.#cleanerTask.inc({ task: 'retention' }, pass.retentionMs / 1000);
    this.#cleanerTask.inc({ task: 'compaction' }, pass.compactionMs / 1000);
    this.#segmentsDeleted.inc(pass.segmentsDeleted);
  }
}
