--[[
  Settles an attempt reserved by reserve-2.lua once its secret was checked.
  KEYS[1] the subject's lock   KEYS[2] the counter's attempts hash (see reserve-2.lua)
  ARGV[1] now (ms)  ARGV[2] attempt id  ARGV[3] verdict: 'wrong', 'right' or 'void' (not
  checked: the backend failed)  ARGV[4] limit  ARGV[5] window (ms)  ARGV[6] lock (ms)
  ARGV[7] '1' when a right attempt ends the run of failures ("in a row"); it does so only if it
  was reserved alone and nobody reserved after it, so guesses racing a right one still count.
  Returns {0, failed}: wrong, counted;  {1}: right, accepted;  {2}: void;
          {-1, lock end, 1 if this call set the lock}: locked, also for a right attempt: a
          secret is never accepted while its subject is locked.
]]
local now, attempt, verdict = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local limit, window, lockMs, forgive = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]

local mine = redis.call('HGET', KEYS[2], 'p:' .. attempt)
if mine then redis.call('HDEL', KEYS[2], 'p:' .. attempt) end

local lockEnd = tonumber(redis.call('GET', KEYS[1]) or '0')
if lockEnd > now then return {-1, lockEnd, 0} end
if verdict == 'void' then return {2} end

local failed = tonumber(redis.call('HGET', KEYS[2], 'failed') or '0')
local since = tonumber(redis.call('HGET', KEYS[2], 'since') or '0')
if failed > 0 and now - since >= window then failed = 0 end

if verdict == 'right' then
  if forgive == '1' and mine then
    local seq, alone = string.match(mine, '^%d+:(%d+):(%d)$')
    if alone == '1' and redis.call('HGET', KEYS[2], 'seq') == seq then failed = 0 end
  end
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'failed', failed) end
  return {1}
end

-- A wrong attempt whose reservation is gone was counted already, when it outlived its hold.
if not mine then return {0, failed} end
if failed == 0 then since = now end
failed = failed + 1
if failed >= limit then
  redis.call('SET', KEYS[1], now + lockMs, 'PX', lockMs)
  redis.call('DEL', KEYS[2])
  return {-1, now + lockMs, 1}
end
redis.call('HSET', KEYS[2], 'failed', failed, 'since', since)
return {0, failed}
