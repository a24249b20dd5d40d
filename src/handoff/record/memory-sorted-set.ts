import { SortedQueue } from './sorted-queue';

/** A Redis-like sorted set for the embedded store: members with scores, ordered, O(log n) rank. */
export class MemorySortedSet {
  private readonly scores = new Map<string, number>();
  private readonly order = new SortedQueue();

  get size(): number {
    return this.scores.size;
  }

  add(member: string, score: number): void {
    this.remove(member);
    this.scores.set(member, score);
    this.order.add(member, score);
  }

  remove(member: string): void {
    const score = this.scores.get(member);
    if (score === undefined) return;
    this.scores.delete(member);
    this.order.delete(member, score);
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** 0-based rank, or -1. */
  rank(member: string): number {
    const score = this.scores.get(member);
    return score === undefined ? -1 : this.order.rank(member, score);
  }

  first(limit: number): string[] {
    return this.order.head(limit);
  }

  upTo(maxScore: number, limit: number): string[] {
    const found: string[] = [];
    for (const member of this.order.head(this.size)) {
      if (found.length >= limit || (this.scores.get(member) ?? Infinity) > maxScore) break;
      found.push(member);
    }
    return found;
  }
}
