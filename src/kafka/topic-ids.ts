// Topic ids between storage (32 hex digits) and the Kafka codec (the canonical 8-4-4-4-12 form).
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function toWireUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function fromWireUuid(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}
