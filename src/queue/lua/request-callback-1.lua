--[[
  A waiting caller asks to be called back instead of holding; they keep their place.
  KEYS[1] call hash
  Returns 1 marked, -1 unknown call, -2 not waiting
]]
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
if state ~= 'waiting' then return -2 end
redis.call('HSET', KEYS[1], 'callback', '1')
return 1
