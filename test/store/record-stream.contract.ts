import type { RecordStream } from '../../src/store/record-stream';

/** What the records worker relies on, from the Redis stream and the embedded one alike. */
export function recordStreamContract(create: (maxLen?: number) => Promise<RecordStream>): void {
  it('delivers each new entry to one consumer, keeps it pending until done, and counts it as lag meanwhile', async () => {
    const stream = await create();
    await stream.ensureGroup();
    await stream.append('one');
    await stream.append('two');
    expect(await stream.lag()).toMatchObject({ backlog: 2, pending: 0 });
    const first = await stream.readNew('a', 10);
    expect(first.map((entry) => entry.fact)).toEqual(['one', 'two']);
    expect(await stream.readNew('b', 10)).toEqual([]);
    const lag = await stream.lag();
    expect(lag).toMatchObject({ backlog: 2, pending: 2 });
    expect(lag.oldestAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await stream.readPending('a', 10)).toEqual(first);
    expect(await stream.readPending('b', 10)).toEqual([]);
    await stream.done([first[0]!.id]);
    expect((await stream.readPending('a', 10)).map((entry) => entry.fact)).toEqual(['two']);
    await stream.done([first[1]!.id]);
    expect(await stream.lag()).toEqual({ backlog: 0, pending: 0, oldestAt: null });
  });

  it("hands a consumer's entries left idle to another, and only those", async () => {
    const stream = await create();
    await stream.ensureGroup();
    await stream.append('held by a dead worker');
    const [held] = await stream.readNew('dead', 10);
    expect(await stream.claimIdle('alive', 60_000, 10)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await stream.claimIdle('alive', 10, 10)).toEqual([held]);
    expect(await stream.readPending('alive', 10)).toEqual([held]);
    expect(await stream.readPending('dead', 10)).toEqual([]);
  });

  it('is bounded: beyond its length the oldest entries go', async () => {
    const stream = await create(1000);
    await stream.ensureGroup();
    for (let i = 0; i < 1500; i++) await stream.append(`fact ${i}`);
    const { backlog } = await stream.lag();
    // Redis trims approximately (whole nodes), never below the bound.
    expect(backlog).toBeGreaterThanOrEqual(1000);
    expect(backlog).toBeLessThan(1500);
    const kept = await stream.readNew('a', 2000);
    expect(kept.at(-1)?.fact).toBe('fact 1499');
  });
}
