/**
 * The next minutes of one queue, replayed many times over (issue 12): how long the caller at each
 * place would wait if they stay. Each replay ("future") draws from what the queue has shown:
 *   - each agent serving the queue is free after what is left of their current conversation (a
 *     talk time drawn from the recent ones longer than what they have talked so far) and then
 *     the time between callers (wrap-up, taking the next caller, the ring: `betweenCallsMs`,
 *     drawn within ± `betweenCallsSpread` of it — a fixed time would make the front of the queue
 *     never move sooner, which it does); an agent holding nothing takes the next caller within
 *     `betweenCallsMs`;
 *   - a free agent takes the first caller still waiting, for a talk time drawn from the recent
 *     ones, and is free again after it and the time between callers;
 *   - callers ahead on the line hang up at the measured rate (exponential patience), so the line
 *     also moves when nobody is answered; a callback request waits off the line and never does.
 * The place p is taken at the first moment an agent is free and everyone ahead of p is gone. In
 * every future that moment never decreases with p, so neither does any statistic over futures.
 * Pure: the draws come from a seeded generator, so the same inputs give the same figures.
 */
export interface ReplayInput {
  /** Per agent serving the queue: talked so far on the call held (ms), or null when holding nothing. */
  agents: readonly (number | null)[];
  /** Recent talk times (ms), ascending, none below the floor; at least one. */
  talksMs: readonly number[];
  betweenCallsMs: number;
  /** Each time between callers is drawn within ± this share of `betweenCallsMs` (0: always the same). */
  betweenCallsSpread: number;
  /** Hang-ups per ms waited, per caller; 0: nobody hangs up. */
  hangUpsPerMs: number;
  /** Per place (index 0 = place 1): false for a callback request, off the line; places beyond: on the line. */
  onLine: readonly boolean[];
  /** Places replayed: 1 … places. */
  places: number;
  futures: number;
  seed: number;
}

/** mulberry32: small, fast and seeded; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the first talk time longer than `ms` in ascending `talks`. */
function firstLonger(talks: readonly number[], ms: number): number {
  let low = 0;
  let high = talks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (talks[middle]! > ms) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** A binary min-heap of the moments the agents are next free. */
class FreeMoments {
  private readonly heap: number[] = [];

  push(at: number): void {
    const heap = this.heap;
    heap.push(at);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The earliest moment, removed. */
  pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]! < heap[smallest]!) smallest = left;
        if (right < heap.length && heap[right]! < heap[smallest]!) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * The waits of places 1 … places in each future: `waits[(place − 1) × futures + future]`, in ms
 * from now. Requires at least one agent.
 */
export function replayWaits(input: ReplayInput): Float64Array {
  const { agents, talksMs, betweenCallsMs, betweenCallsSpread, hangUpsPerMs, onLine, places, futures } = input;
  const seeds = seededRandom(input.seed);
  const waits = new Float64Array(places * futures);
  for (let future = 0; future < futures; future += 1) {
    // Each future draws from its own stream: replaying more places changes none of the first ones.
    const random = seededRandom(Math.floor(seeds() * 2 ** 32));
    const talk = () => talksMs[Math.floor(random() * talksMs.length)]!;
    // No spread draws nothing, so a fixed time replays exactly as it did before the spread.
    const between = () => (betweenCallsSpread > 0 ? betweenCallsMs * (1 + betweenCallsSpread * (2 * random() - 1)) : betweenCallsMs);
    const patience = () => (hangUpsPerMs > 0 ? -Math.log(1 - random()) / hangUpsPerMs : Infinity);
    const free = new FreeMoments();
    for (const talked of agents) {
      if (talked === null) {
        free.push(random() * betweenCallsMs);
        continue;
      }
      const from = firstLonger(talksMs, talked);
      // Talked longer than any recent conversation: it ends soon, as far as anyone can tell.
      const left = from < talksMs.length ? talksMs[from + Math.floor(random() * (talksMs.length - from))]! - talked : talksMs[0]!;
      free.push(left + between());
    }
    let head = 1;
    while (head <= places) {
      const at = free.pop();
      // Everyone before `head` is gone: `head` would be taken now. Those who hung up before now
      // leave the place to the next one, who may take this same agent.
      while (head <= places) {
        waits[(head - 1) * futures + future] = at;
        const stays = onLine[head - 1] === false || patience() >= at;
        head += 1;
        if (stays) break;
      }
      free.push(at + talk() + between());
    }
  }
  return waits;
}
