// The HTTP endpoint Prometheus scrapes: GET /metrics answers the text exposition format; every
// other path is 404 and every other method 405. One small server on its own port, bound to
// loopback unless told otherwise (the metrics name every topic and group).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpoolError, errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { formatHostPort, type HostPort } from '../../kafka/listen-address.js';
import type { BrokerMetrics } from './broker-metrics.js';

export const METRICS_PATH = '/metrics';

export class MetricsServer {
  readonly #server: Server;
  readonly #metrics: BrokerMetrics;
  readonly #logger: Logger;

  constructor(metrics: BrokerMetrics, logger: Logger) {
    this.#metrics = metrics;
    this.#logger = logger;
    this.#server = createServer((request, response) => void this.#answer(request, response));
  }

  /** Bind and start serving; resolves to the endpoint's URL (port 0 becomes the bound port). */
  async listen(address: HostPort): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: address.host, port: address.port, exclusive: true }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new SpoolError(`cannot listen for metrics on ${formatHostPort(address)}: ${errorMessage(err)}`, { cause: err });
    });
    const bound = { host: address.host, port: (this.#server.address() as AddressInfo).port };
    return `http://${formatHostPort(bound)}${METRICS_PATH}`;
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: the metrics are at ${METRICS_PATH}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('use GET\n');
      return;
    }
    try {
      const text = await this.#metrics.text();
      response.writeHead(200, { 'Content-Type': this.#metrics.contentType });
      response.end(request.method === 'HEAD' ? undefined : text);
    } catch (err) {
      this.#logger.error(`metrics scrape failed: ${errorMessage(err)}`);
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics failed; see the broker log\n');
    }
  }

  /** Stop accepting and close open scrapes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
