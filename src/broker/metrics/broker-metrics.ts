// The broker's Prometheus metrics (`spool broker start --metrics`, SPEC §10): one registry per
// broker with spool's own metrics (request-metrics.ts, log-metrics.ts), the build's version and
// prom-client's process metrics (CPU, memory, event loop lag, GC, file descriptors). Loaded only
// when --metrics is given, so a broker without it never loads prom-client.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { spoolVersion } from '../../common/version.js';
import type { CleanerPass, ListenerName, MetricsHooks } from '../metrics-hooks.js';
import { registerLogMetrics, type LogMetricSources } from './log-metrics.js';
import { RequestMetrics } from './request-metrics.js';

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class BrokerMetrics implements MetricsHooks {
  readonly registry = new Registry();
  readonly #requests: RequestMetrics;

  constructor(sources: LogMetricSources) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which `promtool check metrics` rejects; each is the sum of the
    // per-type gauge of the same name without `_total`, which stays.
    for (const name of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(name);
    new Gauge({
      name: 'spool_build_info',
      help: 'The version of spool the broker runs (always 1).',
      labelNames: ['version'],
      registers: [this.registry],
    }).set({ version: spoolVersion() }, 1);
    this.#requests = new RequestMetrics(this.registry);
    registerLogMetrics(this.registry, sources);
  }

  request(listener: ListenerName, request: string, startedMs: number, failed: boolean): void {
    this.#requests.request(listener, request, startedMs, failed);
  }

  fsync(ms: number): void {
    this.#requests.fsync(ms);
  }

  cleanerPass(pass: CleanerPass): void {
    this.#requests.cleanerPass(pass);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
