import { queueLuaScripts } from '../../src/queue/lua-scripts';

describe('queue Lua scripts', () => {
  const scripts = queueLuaScripts();

  it('loads every script with its includes pasted in', () => {
    expect(scripts.map((script) => script.name).sort()).toEqual([
      'claim',
      'confirm-bridge',
      'enqueue',
      'escalate',
      'position',
      'remove',
      'request-callback',
      'requeue-front',
      'sweep-leases',
    ]);
    for (const script of scripts) expect(script.lua).not.toMatch(/^-- @include/m);
  });

  it.each(scripts.map((script) => [script.name, script] as const))(
    '%s uses exactly the keys its file name declares',
    (_, script) => {
      const used = [...script.lua.matchAll(/KEYS\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect(Math.max(...used)).toBe(script.numberOfKeys);
      expect(new Set(used).size).toBe(script.numberOfKeys);
    },
  );
});
