// `--kafka [HOST:]PORT` and `--kafka-advertise HOST:PORT` (SPEC §8): a bare port binds to
// loopback, as a developer's broker should; IPv6 hosts are written in brackets ([::1]:9092).
import { UsageError } from '../common/errors.js';

export interface HostPort {
  host: string;
  port: number;
}

export const DEFAULT_KAFKA_HOST = '127.0.0.1';
export const DEFAULT_KAFKA_PORT = 9092;

/** Parse `[HOST:]PORT`; `what` names the flag in the error. Port 0 asks the OS for a free port. */
export function parseHostPort(text: string, what: string, requireHost = false): HostPort {
  const value = text.trim();
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:\s[\]]+):)?(\d{1,5})$/.exec(value);
  if (match === null || (requireHost && match[1] === undefined)) {
    const form = requireHost ? 'HOST:PORT' : '[HOST:]PORT';
    throw new UsageError(`invalid ${what} "${text}": use ${form}, e.g. ${requireHost ? 'localhost:9092' : '9092 or 0.0.0.0:9092'}`);
  }
  const port = Number(match[2]);
  if (port > 65535) throw new UsageError(`invalid ${what} "${text}": port ${port} is over 65535`);
  const rawHost = match[1];
  const host = rawHost === undefined ? DEFAULT_KAFKA_HOST : rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (rawHost?.startsWith('[') === true && !isIPv6Address(host)) throw new UsageError(`invalid ${what} "${text}": ${host} is not an IPv6 address`);
  return { host, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  // No host name has a colon: one with a colon is an IPv6 address.
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';
}

/**
 * The URL parser's IPv6 check (a zone, `%eth0`, aside): node:net's isIP would load node:net into
 * every command's start-up, for the flags of `broker start`.
 */
function isIPv6Address(host: string): boolean {
  const zone = host.indexOf('%');
  const address = zone === -1 ? host : host.slice(0, zone);
  if (!address.includes(':')) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}
