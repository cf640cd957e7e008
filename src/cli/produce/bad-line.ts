// A line that cannot be sent (too large, no key separator, malformed JSON...). It is reported
// after everything before it has been acknowledged, with its line number.

export class BadLine extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}
