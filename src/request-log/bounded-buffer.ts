/**
 * A fixed-capacity FIFO: pushing onto a full buffer drops the oldest item and says so, so a
 * producer never waits and memory never grows past the capacity. O(1) push and shift.
 */
export class BoundedBuffer<T> {
  readonly #items: Array<T | undefined>
  #head = 0
  #size = 0

  constructor (readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
    this.#items = new Array<T | undefined>(capacity)
  }

  get size (): number { return this.#size }

  /** Adds an item; returns true when the oldest item was dropped to make room. */
  push (item: T): boolean {
    const tail = (this.#head + this.#size) % this.capacity
    this.#items[tail] = item
    if (this.#size < this.capacity) {
      this.#size += 1
      return false
    }
    // The slot written was the oldest item's: the head moves past it.
    this.#head = (this.#head + 1) % this.capacity
    return true
  }

  /** Removes and returns up to `max` items, oldest first. */
  take (max: number): T[] {
    const n = Math.min(max, this.#size)
    const out: T[] = new Array<T>(n)
    for (let i = 0; i < n; i++) {
      out[i] = this.#items[this.#head] as T
      this.#items[this.#head] = undefined
      this.#head = (this.#head + 1) % this.capacity
    }
    this.#size -= n
    return out
  }
}
