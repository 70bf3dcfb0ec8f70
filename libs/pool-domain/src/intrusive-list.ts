/**
 * A doubly linked list whose links live on the items themselves, so moving a
 * number or a session between lists allocates nothing and costs O(1). The
 * pool keeps a million numbers in a few of these (free by age, free by last
 * listing, cooling by due time, locks by due time).
 */
export interface Links<T> {
  prev: T | null;
  next: T | null;
  owner: IntrusiveList<T> | null;
}

export function links<T>(): Links<T> {
  return { prev: null, next: null, owner: null };
}

export class IntrusiveList<T> {
  head: T | null = null;
  tail: T | null = null;
  size = 0;

  constructor(private readonly linksOf: (item: T) => Links<T>) {}

  has(item: T): boolean {
    return this.linksOf(item).owner === this;
  }

  pushFront(item: T): void {
    this.insertAfter(item, null);
  }

  pushBack(item: T): void {
    this.insertAfter(item, this.tail);
  }

  /**
   * Keeps the list sorted by `key`, searching from the tail: items arrive
   * nearly in time order, so this is O(1) in practice.
   */
  insertSorted(item: T, key: (item: T) => number): void {
    const k = key(item);
    let after = this.tail;
    while (after !== null && key(after) > k) after = this.linksOf(after).prev;
    this.insertAfter(item, after);
  }

  remove(item: T): void {
    const own = this.linksOf(item);
    if (own.owner !== this) return;
    if (own.prev !== null) this.linksOf(own.prev).next = own.next;
    else this.head = own.next;
    if (own.next !== null) this.linksOf(own.next).prev = own.prev;
    else this.tail = own.prev;
    own.prev = own.next = own.owner = null;
    this.size--;
  }

  next(item: T): T | null {
    return this.linksOf(item).next;
  }

  private insertAfter(item: T, after: T | null): void {
    const own = this.linksOf(item);
    if (own.owner !== null) own.owner.remove(item);
    own.owner = this;
    own.prev = after;
    own.next = after === null ? this.head : this.linksOf(after).next;
    if (own.next !== null) this.linksOf(own.next).prev = item;
    else this.tail = item;
    if (after !== null) this.linksOf(after).next = item;
    else this.head = item;
    this.size++;
  }
}
