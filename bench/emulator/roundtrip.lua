-- Start a conversation, post a message to it, GET its activities: one round trip = 3 requests.
-- Each wrk thread cycles start -> post -> get; posts and gets go to the thread's latest conversation.
dofile((os.getenv("DL_BENCH_DIR") or ".") .. "/common.lua")

local auth = "Bearer " .. os.getenv("DL_SECRET")
local json_headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
local message = '{"type":"message","from":{"id":"u1"},"text":"bench"}'
local step = 0
local conversation = nil

function request()
  local kind
  if conversation == nil or step % 3 == 0 then
    kind = "start"
  elseif step % 3 == 1 then
    kind = "post"
  else
    kind = "get"
  end
  step = step + 1
  if kind == "start" then
    return wrk.format("POST", "/v3/directline/conversations", json_headers, "")
  elseif kind == "post" then
    return wrk.format("POST", "/v3/directline/conversations/" .. conversation .. "/activities",
                      json_headers, message)
  end
  return wrk.format("GET", "/v3/directline/conversations/" .. conversation .. "/activities",
                    { ["Authorization"] = auth }, nil)
end

function response(status, headers, body)
  count_response(status)
  -- Responses of a thread's connections interleave, so recognise a start by its body.
  if status == 201 then
    conversation = string.match(body, '"conversationId"%s*:%s*"([^"]+)"')
  end
end
