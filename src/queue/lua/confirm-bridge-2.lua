--[[
  The agent's leg is up: the claimed call becomes connected and its lease ends. Idempotent for
  the same agent (a retried webhook).
  KEYS[1] call hash
  KEYS[2] leases zset
  ARGV[1] callSid
  ARGV[2] agentId
  Returns 1 connected, -1 unknown call, -2 not claimed, -3 held by another agent
]]
local call = redis.call('HMGET', KEYS[1], 'state', 'agent')
if not call[1] then return -1 end
if call[1] == 'waiting' then return -2 end
if call[2] ~= ARGV[2] then return -3 end
redis.call('HSET', KEYS[1], 'state', 'connected')
redis.call('HDEL', KEYS[1], 'lease')
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
