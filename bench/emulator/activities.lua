-- GET activities of one existing conversation ($DL_CONVERSATION), for the 1,000-connection run.
dofile((os.getenv("DL_BENCH_DIR") or ".") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/v3/directline/conversations/" .. os.getenv("DL_CONVERSATION") .. "/activities"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DL_SECRET")
