/**
 * A value that must never be printed (a webhook URL carries its own credentials):
 * `String()`, `JSON.stringify` and `util.inspect` show `[redacted]`; only `reveal()`
 * gives the value, to the code that uses it.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return '[redacted]'
  }

  toJSON(): string {
    return '[redacted]'
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]'
  }
}
