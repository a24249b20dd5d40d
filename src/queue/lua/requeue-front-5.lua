--[[
  The bridge to the agent failed: a claimed or connected caller goes back to the front of its queue.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] leases zset
  KEYS[4] front sequence counter
  KEYS[5] call hash
  ARGV[1] callSid
  Returns 1 requeued, -1 unknown call, -2 already waiting
]]
-- @include put-front
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
local call = redis.call('HMGET', KEYS[5], 'queue', 'state')
if not call[1] then return -1 end
if call[2] == 'waiting' then return -2 end
putFront(queues[call[1]], call[1], KEYS[5], ARGV[1], KEYS[3], KEYS[4])
return 1
