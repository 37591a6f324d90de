/** One AMI message: its headers in arrival order, duplicates kept. */
export type AmiHeader = readonly [name: string, value: string];

export class AmiFrame {
  readonly headers: ReadonlyArray<AmiHeader>;

  constructor(headers: ReadonlyArray<AmiHeader>) {
    this.headers = Object.freeze(headers.map(([k, v]) => Object.freeze([k, v] as const)));
  }

  /** First value of a header, name matched case-insensitively. */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    return this.headers.find(([k]) => k.toLowerCase() === wanted)?.[1];
  }

  /** Every value of a header, in order (e.g. repeated `Variable:` or `UserEvent:` lines). */
  getAll(name: string): string[] {
    const wanted = name.toLowerCase();
    return this.headers.filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** `Event:` value, when this frame is an event. */
  get event(): string | undefined {
    return this.get('Event');
  }

  /** `Response:` value, when this frame answers an action. */
  get response(): string | undefined {
    return this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  /** Wire form, for logs and test fixtures. */
  toString(): string {
    return this.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  }
}
