--[[
  Shared by requeue-front, sweep-leases and escalate (pasted where a script says
  `-- @include put-front`). Puts a claimed or connected call back at the front of `queueKey`:
  a score below every waiting caller (queue-order.ts), state `waiting`, no agent, no lease.
]]
local function putFront(queueKey, tier, callKey, callSid, leasesKey, frontSeqKey)
  local seq = redis.call('INCR', frontSeqKey)
  redis.call('ZADD', queueKey, -seq, callSid)
  redis.call('HSET', callKey, 'queue', tier, 'state', 'waiting')
  redis.call('HDEL', callKey, 'agent', 'lease')
  redis.call('ZREM', leasesKey, callSid)
end
