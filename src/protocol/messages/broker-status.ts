// BrokerStatus and Shutdown: the daemon's own state, and a request to stop it gracefully.
//
//   BrokerStatus Request  => {}
//   BrokerStatus Response => { pid, uptimeMs, version, dataDir, socket, topics, bytes, fsync, kafka,
//                              kafkaSecurity, socketConnections, socketRequests, kafkaConnections,
//                              kafkaRequests, metrics }
//   Shutdown Request      => {}      answered, then the broker stops as on SIGTERM
//   Shutdown Response     => { pid }

export interface BrokerStatusResponse {
  pid: number;
  uptimeMs: number;
  version: string;
  dataDir: string;
  socket: string;
  topics: number;
  bytes: number;
  fsync: string;
  /** The Kafka listener's address (HOST:PORT), null without one. */
  kafka: string | null;
  /** What a Kafka client's security.protocol must be (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL); null without a listener. */
  kafkaSecurity: string | null;
  /** Connections open now and requests received since start, per front door. */
  socketConnections: number;
  socketRequests: number;
  kafkaConnections: number;
  kafkaRequests: number;
  /** The Prometheus endpoint's URL (http://HOST:PORT/metrics), null without one. */
  metrics: string | null;
}

export interface ShutdownResponse {
  pid: number;
}
