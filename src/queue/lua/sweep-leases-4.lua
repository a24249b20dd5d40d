--[[
  Requeues at the front the claimed calls whose lease has ended (the agent's instance died or
  the bridge never reported back). Each expired lease is removed and requeued in this one atomic
  step, so concurrent sweeps on every instance requeue it exactly once.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] leases zset
  KEYS[4] front sequence counter
  ARGV[1] call hash key prefix (call hash = prefix .. callSid)
  ARGV[2] now (ms): leases ending at or before it have expired
  ARGV[3] batch size
  Returns { number of expired leases examined, requeued callSid... }
]]
-- @include put-front
local queues = { tier1 = KEYS[1], tier2 = KEYS[2] }
local expired = redis.call('ZRANGE', KEYS[3], '-inf', ARGV[2], 'BYSCORE', 'LIMIT', 0, ARGV[3])
local result = { #expired }
for _, callSid in ipairs(expired) do
  local callKey = ARGV[1] .. callSid
  local tier = redis.call('HGET', callKey, 'queue')
  if tier then
    putFront(queues[tier], tier, callKey, callSid, KEYS[3], KEYS[4])
    result[#result + 1] = callSid
  else
    redis.call('ZREM', KEYS[3], callSid)
  end
end
return result
