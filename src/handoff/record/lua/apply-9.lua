--[[
  Applies one step of a hand-off record (a plan computed by transitions/*.ts) atomically, only if
  the record is still at the revision the step read. The one script every transition but the
  claim goes through (a claim is claim-5+n.lua: it must pick its record where it runs).
  KEYS[1] the record hash (fields r = record JSON, rev, steps = recent step ids)
  KEYS[2] the agent's one-call-at-a-time key (freed if it holds this call)
  KEYS[3] tier1 queue zset     KEYS[4] tier2 queue zset
  KEYS[5] leases zset          KEYS[6] heartbeats zset
  KEYS[7] callback retries zset KEYS[8] callback expiries zset
  KEYS[9] the call records' stream (src/store/record-stream.ts)
  ARGV[1] step id              ARGV[2] expected revision ('' = the record must not exist)
  ARGV[3] the record JSON after the step
  ARGV[4] record TTL in ms ('' = keep the TTL it has: set once, at creation)
  ARGV[5] callSid (the member of every zset)
  ARGV[6] JSON { add = {{keyIndex, 'score'}...}, remove = {keyIndex...}, agent = {op = 'release'}? }
  ARGV[7] events channel ('' = none)   ARGV[8] event message
  ARGV[9] a call-record fact to append to KEYS[9] ('' = none)   ARGV[10] the stream's MAXLEN
  Returns the new revision (> 0); 0 when this step id was applied already (a client re-send);
  -1 stale (another step changed the record first).
]]
local STEPS_KEPT = 8
local current = redis.call('HMGET', KEYS[1], 'steps', 'rev')
local steps = current[1] or ''
if string.find(' ' .. steps .. ' ', ' ' .. ARGV[1] .. ' ', 1, true) then return 0 end

local rev = current[2]
if ARGV[2] == '' then
  if rev then return -1 end
elseif rev ~= ARGV[2] then
  return -1
end

local plan = cjson.decode(ARGV[6])
local recent = {}
for id in string.gmatch(steps, '%S+') do recent[#recent + 1] = id end
recent[#recent + 1] = ARGV[1]
while #recent > STEPS_KEPT do table.remove(recent, 1) end

local newRev = (tonumber(rev) or 0) + 1
redis.call('HSET', KEYS[1], 'r', ARGV[3], 'rev', newRev, 'steps', table.concat(recent, ' '))
if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
for _, index in ipairs(plan.remove) do redis.call('ZREM', KEYS[index], ARGV[5]) end
for _, entry in ipairs(plan.add) do redis.call('ZADD', KEYS[entry[1]], entry[2], ARGV[5]) end
if plan.agent and redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
if ARGV[9] ~= '' then redis.call('XADD', KEYS[9], 'MAXLEN', '~', ARGV[10], '*', 'f', ARGV[9]) end
if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[7], ARGV[8]) end
return newRev
