--[[
  Takes one from each of a subject's quotas (SMS of a call, SMS to a number, codes of a wallet),
  or from none when one of them is used up.
  KEYS[1] the subject's quota hash: <name> = count, <name>:since = start of its window (ms)
  ARGV[1] now (ms), then per quota: name, limit, window (ms)
  Returns 0 when taken, or the 1-based position of the first quota at its limit (nothing taken).
]]
local now = tonumber(ARGV[1])
local counts = {}
local longest = 0
for i = 2, #ARGV, 3 do
  local name, limit, window = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local count = tonumber(redis.call('HGET', KEYS[1], name) or '0')
  local since = tonumber(redis.call('HGET', KEYS[1], name .. ':since') or '0')
  if count > 0 and now - since >= window then count = 0 end
  if count >= limit then return (i + 1) / 3 end
  counts[#counts + 1] = {name, count}
  if window > longest then longest = window end
end
for _, entry in ipairs(counts) do
  if entry[2] == 0 then redis.call('HSET', KEYS[1], entry[1] .. ':since', now) end
  redis.call('HSET', KEYS[1], entry[1], entry[2] + 1)
end
if redis.call('PTTL', KEYS[1]) < longest then redis.call('PEXPIRE', KEYS[1], longest) end
return 0
