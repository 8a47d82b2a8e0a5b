-- POST /v3/directline/conversations (start with the secret in $DL_SECRET).
dofile(os.getenv("DL_COMMON_LUA"))

wrk.method = "POST"
wrk.path = "/v3/directline/conversations"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DL_SECRET")
