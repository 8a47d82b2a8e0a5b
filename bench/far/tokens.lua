-- POST /v3/directline/tokens/generate, no body (as the C client sends it).
dofile(os.getenv("DL_COMMON_LUA"))

wrk.method = "POST"
wrk.path = "/v3/directline/tokens/generate"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DL_SECRET")
