-- POST a message, keep-alive, to one of the conversations in $DL_CONVERSATIONS
-- (comma-separated), in turn: one conversation's log is capped at 64 MiB.
dofile(os.getenv("DL_COMMON_LUA"))

local conversations = {}
for id in string.gmatch(os.getenv("DL_CONVERSATIONS"), "[^,]+") do
  table.insert(conversations, id)
end
local next_index = 0
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("DL_SECRET"),
  ["Content-Type"] = "application/json",
}
local body = '{"type":"message","from":{"id":"user1"},"text":"far"}'

function request()
  next_index = next_index % #conversations + 1
  return wrk.format("POST", "/v3/directline/conversations/" .. conversations[next_index] .. "/activities",
                    headers, body)
end
