// BrokerStatus and Shutdown: the daemon's own state, and a request to stop it gracefully.
//
//   BrokerStatus Request  => {}
//   BrokerStatus Response => { pid, uptimeMs, version, dataDir, socket, topics, bytes, fsync }
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
}

export interface ShutdownResponse {
  pid: number;
}
