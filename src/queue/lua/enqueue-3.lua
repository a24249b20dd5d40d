--[[
  Adds a caller to a queue, unless the call is already known in any state (a retried webhook
  must neither duplicate nor move the caller).
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] call hash
  ARGV[1] callSid
  ARGV[2] tier ('tier1' | 'tier2')
  ARGV[3] score (queue-order.ts)
  ARGV[4] entry JSON (fields that never change)
  ARGV[5] waitingSince (ms)
  ARGV[6] callback requested '1' | '0'
  ARGV[7] note ('' for none)
  ARGV[8] call hash TTL (ms), a safety net for calls nobody removes
  Returns { created 1|0, 1-based position (0 when the call is with an agent), size of its queue }
]]
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
local created = 0
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('HSET', KEYS[3], 'data', ARGV[4], 'queue', ARGV[2], 'state', 'waiting',
    'since', ARGV[5], 'callback', ARGV[6])
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], 'note', ARGV[7]) end
  redis.call('PEXPIRE', KEYS[3], ARGV[8])
  redis.call('ZADD', queues[ARGV[2]], ARGV[3], ARGV[1])
  created = 1
end
local queue = queues[redis.call('HGET', KEYS[3], 'queue')]
local rank = redis.call('ZRANK', queue, ARGV[1])
return { created, rank and rank + 1 or 0, redis.call('ZCARD', queue) }
