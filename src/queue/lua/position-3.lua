--[[
  Read-only: where a waiting caller stands, in one round trip.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] call hash
  ARGV[1] callSid
  Returns { tier, 1-based position, size of the queue }, or {} when the call is not waiting
]]
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
local call = redis.call('HMGET', KEYS[3], 'queue', 'state')
if call[2] ~= 'waiting' then return {} end
local queue = queues[call[1]]
local rank = redis.call('ZRANK', queue, ARGV[1])
if not rank then return {} end
return { call[1], rank + 1, redis.call('ZCARD', queue) }
