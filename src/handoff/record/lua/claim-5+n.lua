--[[
  Claims, in one round trip, taken one after another: for each, unless its agent holds a call,
  the caller at the head of the agent's first non-empty queue goes to the agent, atomically. The
  record a claim takes is only known here, so the client passes the record keys of the first
  callers it read at each queue's head; a claim whose head is not among them (it changed since)
  changes nothing. What a claim writes comes from the terms of transitions/agent-transitions.ts
  (`claimTerms`) and follows its `claim` line by line; the contract suite proves both give the
  same record.
  KEYS[1] tier1 queue zset   KEYS[2] tier2 queue zset
  KEYS[3] leases zset        KEYS[4] heartbeats zset   KEYS[5] callback retries zset
  KEYS[5 + c] claim c's agent one-call-at-a-time key, for c = 1..#claims
  KEYS[5 + #claims + i] candidate i's record hash (fields r = record JSON, rev, steps = recent step ids)
  ARGV[1] JSON { terms = { agentTtlMs, from = { [state] = { state, leaseUntil, callbackDials, unless? } } },
                 claims = {{ agentId, token, stepId, queues = {tier...} }...}, readAhead = n }
  ARGV[2] events channel
  ARGV[2 + i] candidate i's CallSid
  Returns { replies, the first readAhead CallSids of tier1, of tier2 } (the next candidates), with
  one reply per claim: { new revision (> 0), CallSid, record JSON after the claim };
  { 0, CallSid } its step id was applied already (a client re-send): the agent holds CallSid;
  { -2, CallSid } the agent holds another call; { -3 } the head of its first non-empty queue is
  not a candidate; { -1 } its queues are empty; { -4, CallSid, reason } the head's record cannot be
  claimed as stored (left as it is).
]]
local STEPS_KEPT = 8
local QUEUE_KEY = { tier1 = 1, tier2 = 2 }
-- cjson writes numbers with 14 significant digits: every number of a record (epoch ms, scores
-- below 4e13, counts) is an integer below 1e14; a record with another is refused, not mangled.
local EXACT_BELOW = 1e14

local batch = cjson.decode(ARGV[1])
local firstCandidate = 5 + #batch.claims
local recordKey = {}
for i = 3, #ARGV do recordKey[ARGV[i]] = KEYS[firstCandidate + i - 2] end

-- The field (a path) holding a number cjson would not write back exactly, or an empty table; nil when none.
local function inexact(value)
  if type(value) == 'number' then
    return (value ~= math.floor(value) or math.abs(value) >= EXACT_BELOW) and (' = ' .. tostring(value)) or nil
  elseif type(value) == 'table' then
    -- cjson cannot tell an empty array from an empty object: a record has neither.
    if next(value) == nil then return ' is empty' end
    for field, inner in pairs(value) do
      local found = inexact(inner)
      if found then return '.' .. tostring(field) .. found end
    end
  end
end

local terms = batch.terms

local function take(claim, queueKey, head, key, stored, record)
  local to = terms.from[record.state]
  if not to or (to.unless and record[to.unless] ~= nil) then return nil end
  local agents = record.agents
  local known = false
  for _, agentId in ipairs(agents) do known = known or agentId == claim.agentId end
  if not known then agents[#agents + 1] = claim.agentId end
  record.agents = agents
  record.state = to.state
  record.agentId = claim.agentId
  record.token = claim.token
  record.leaseUntil = to.leaseUntil
  record.callbackDials = record.callbackDials + to.callbackDials
  local reason = inexact(record)
  if reason then return { -4, head, 'record' .. reason } end
  local json = cjson.encode(record)

  local recent = {}
  for id in string.gmatch(stored[3] or '', '%S+') do recent[#recent + 1] = id end
  recent[#recent + 1] = claim.stepId
  while #recent > STEPS_KEPT do table.remove(recent, 1) end
  local newRev = tonumber(stored[2]) + 1
  redis.call('HSET', key, 'r', json, 'rev', newRev, 'steps', table.concat(recent, ' '))
  redis.call('ZREM', queueKey, head)
  redis.call('ZREM', KEYS[4], head)
  redis.call('ZREM', KEYS[5], head)
  redis.call('ZADD', KEYS[3], to.leaseUntil, head)
  redis.call('SET', claim.agentKey, head, 'PX', terms.agentTtlMs)
  redis.call('PUBLISH', ARGV[2], cjson.encode({ callSid = head, state = record.state, queue = record.queue, agentId = claim.agentId }))
  return { newRev, head, json }
end

local function claimOne(claim)
  local held = redis.call('GET', claim.agentKey)
  if held then
    local key = recordKey[held]
    local steps = key and redis.call('HGET', key, 'steps') or ''
    if string.find(' ' .. steps .. ' ', ' ' .. claim.stepId .. ' ', 1, true) then return { 0, held } end
    return { -2, held }
  end
  for _, queue in ipairs(claim.queues) do
    local queueKey = KEYS[QUEUE_KEY[queue]]
    while true do
      local head = redis.call('ZRANGE', queueKey, 0, 0)[1]
      if not head then break end
      local key = recordKey[head]
      if not key then return { -3 } end
      local stored = redis.call('HMGET', key, 'r', 'rev', 'steps')
      local record = stored[1] and cjson.decode(stored[1])
      local reply = record and record.queue == queue and take(claim, queueKey, head, key, stored, record)
      if reply then return reply end
      -- A member whose record expired, or that left its queue without it (never by a step), is dropped when met.
      redis.call('ZREM', queueKey, head)
    end
  end
  return { -1 }
end

local replies = {}
for c, claim in ipairs(batch.claims) do
  claim.agentKey = KEYS[5 + c]
  replies[c] = claimOne(claim)
end
local last = batch.readAhead - 1
return { replies, redis.call('ZRANGE', KEYS[1], 0, last), redis.call('ZRANGE', KEYS[2], 0, last) }
