--[[
  Gives back what take-1.lua took when a later check refused the SMS after all.
  KEYS[1] the subject's quota hash (see take-1.lua)
  ARGV the quota names
  Returns the number of quotas given back.
]]
local given = 0
for _, name in ipairs(ARGV) do
  if tonumber(redis.call('HGET', KEYS[1], name) or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], name, -1)
    given = given + 1
  end
end
return given
