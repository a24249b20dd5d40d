--[[
  Forgets a call whatever its state: the caller hung up, or the agent wrapped up.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] leases zset
  KEYS[4] call hash
  ARGV[1] callSid
  Returns the removed call's hash as a flat field/value list, or {} when the call was unknown
]]
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
local call = redis.call('HGETALL', KEYS[4])
if #call == 0 then return {} end
redis.call('ZREM', queues[redis.call('HGET', KEYS[4], 'queue')], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return call
