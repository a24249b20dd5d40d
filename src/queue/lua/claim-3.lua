--[[
  Takes the head of the first non-empty queue, in the agent's preference order, and marks it
  claimed by the agent under a lease. Atomic: no two agents (or instances) get the same caller.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] leases zset
  ARGV[1] call hash key prefix (call hash = prefix .. callSid)
  ARGV[2] agentId
  ARGV[3] lease deadline (ms)
  ARGV[4] call hash TTL (ms)
  ARGV[5..] tiers in preference order
  Returns the claimed call's hash as a flat field/value list, or {} when every queue is empty.
]]
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
for i = 5, #ARGV do
  local queue = queues[ARGV[i]]
  while true do
    local head = redis.call('ZPOPMIN', queue)
    if #head == 0 then break end
    local callSid = head[1]
    local callKey = ARGV[1] .. callSid
    -- A member whose hash expired (TTL safety net) has nobody behind it: drop it, look further.
    if redis.call('EXISTS', callKey) == 1 then
      redis.call('HSET', callKey, 'state', 'claimed', 'agent', ARGV[2], 'lease', ARGV[3])
      redis.call('PEXPIRE', callKey, ARGV[4])
      redis.call('ZADD', KEYS[3], ARGV[3], callSid)
      return redis.call('HGETALL', callKey)
    end
  end
end
return {}
