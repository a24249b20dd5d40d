/**
 * The embedded stand-in for a Redis sorted set of waiting callSids: ordered by score, then by
 * callSid (as Redis orders equal scores), with binary-search rank. Inserts shift the array, which
 * is fine at the sizes one development process sees.
 */
interface Member {
  score: number;
  callSid: string;
}

function before(a: Member, b: Member): boolean {
  return a.score < b.score || (a.score === b.score && a.callSid < b.callSid);
}

export class SortedQueue {
  private readonly members: Member[] = [];

  get size(): number {
    return this.members.length;
  }

  /** Index of the first member not before `member`. */
  private lowerBound(member: Member): number {
    let low = 0;
    let high = this.members.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.members[middle]!, member)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  add(callSid: string, score: number): void {
    const member = { score, callSid };
    this.members.splice(this.lowerBound(member), 0, member);
  }

  /** 0-based rank, or -1 when absent. */
  rank(callSid: string, score: number): number {
    const index = this.lowerBound({ score, callSid });
    return this.members[index]?.callSid === callSid ? index : -1;
  }

  delete(callSid: string, score: number): void {
    const index = this.rank(callSid, score);
    if (index >= 0) this.members.splice(index, 1);
  }

  popMin(): string | undefined {
    return this.members.shift()?.callSid;
  }

  head(limit: number): string[] {
    return this.members.slice(0, limit).map((member) => member.callSid);
  }
}
