-- POST a message to the conversation $DL_CONVERSATION (keep-alive).
dofile(os.getenv("DL_COMMON_LUA"))

wrk.method = "POST"
wrk.path = "/v3/directline/conversations/" .. os.getenv("DL_CONVERSATION") .. "/activities"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DL_SECRET")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"message","from":{"id":"user1"},"text":"far"}'
