--[[
  Reserves one attempt at a secret (a PIN, a one-time code) before it is checked, so the limit
  holds however many webhooks guess at once: wrong attempts counted plus attempts still being
  checked never exceed the limit, and a reservation beyond it is refused without a check.
  KEYS[1] the subject's lock (a wallet, a caller): the lock's end in ms of the injected clock
  KEYS[2] the counter's attempts hash (same hash tag): failed, since (start of the run of
          failures), seq (reservations so far), p:<attempt id> = '<deadline>:<seq>:<alone>'
  ARGV[1] now (ms)  ARGV[2] attempt id  ARGV[3] limit  ARGV[4] hold (ms): a reservation not
  settled by then counts as wrong (its instance died mid-check)  ARGV[5] window (ms): failures
  older than this are forgotten  ARGV[6] lock (ms)
  Returns {1}: reserved (also when this attempt id was reserved already: a re-sent script);
          {-1, lock end, 1 if this call set the lock}: locked;
          {-2}: busy, every attempt left is being checked.
]]
local now, attempt, limit = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local hold, window, lockMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

local lockEnd = tonumber(redis.call('GET', KEYS[1]) or '0')
if lockEnd > now then return {-1, lockEnd, 0} end
if redis.call('HEXISTS', KEYS[2], 'p:' .. attempt) == 1 then return {1} end

local failed = tonumber(redis.call('HGET', KEYS[2], 'failed') or '0')
local since = tonumber(redis.call('HGET', KEYS[2], 'since') or '0')
if failed > 0 and now - since >= window then failed = 0 end

local pending = 0
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'p:' then
    local deadline = tonumber(string.match(fields[i + 1], '^(%d+)'))
    if deadline <= now then
      redis.call('HDEL', KEYS[2], fields[i])
      if failed == 0 then since = now end
      failed = failed + 1
    else
      pending = pending + 1
    end
  end
end

if failed >= limit then
  redis.call('SET', KEYS[1], now + lockMs, 'PX', lockMs)
  redis.call('DEL', KEYS[2])
  return {-1, now + lockMs, 1}
end
redis.call('HSET', KEYS[2], 'failed', failed, 'since', since)
redis.call('PEXPIRE', KEYS[2], window + hold)
if failed + pending >= limit then return {-2} end

local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local alone = 0
if pending == 0 then alone = 1 end
redis.call('HSET', KEYS[2], 'p:' .. attempt, (now + hold) .. ':' .. seq .. ':' .. alone)
return {1}
