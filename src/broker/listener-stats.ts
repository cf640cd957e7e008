// Connections and requests per front door (the Unix socket and the Kafka listener), counted
// since the broker started, for `broker status` and `spool top`.

export class ListenerCounters {
  /** Connections open now. */
  open = 0;
  /** Connections accepted since start. */
  accepted = 0;
  /** Requests received since start. */
  requests = 0;

  opened(): void {
    this.open++;
    this.accepted++;
  }

  closed(): void {
    this.open--;
  }
}

export interface ListenerStats {
  readonly socket: ListenerCounters;
  readonly kafka: ListenerCounters;
}

export function newListenerStats(): ListenerStats {
  return { socket: new ListenerCounters(), kafka: new ListenerCounters() };
}
