--[[
  An agent escalates the caller they hold: the call goes to the front of tier2 — ahead of urgent
  callers already waiting — with the agent's note, and its tier2 wait starts now.
  KEYS[1] tier1 waiting zset
  KEYS[2] tier2 waiting zset
  KEYS[3] leases zset
  KEYS[4] front sequence counter
  KEYS[5] call hash
  ARGV[1] callSid
  ARGV[2] note
  ARGV[3] now (ms)
  Returns 1 escalated, -1 unknown call, -2 not with an agent
]]
-- @include put-front
local state = redis.call('HGET', KEYS[5], 'state')
if not state then return -1 end
if state == 'waiting' then return -2 end
redis.call('HSET', KEYS[5], 'note', ARGV[2], 'since', ARGV[3])
putFront(KEYS[2], 'tier2', KEYS[5], ARGV[1], KEYS[3], KEYS[4])
return 1
