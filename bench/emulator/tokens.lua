-- POST /v3/directline/tokens/generate with the secret from $DL_SECRET.
dofile((os.getenv("DL_BENCH_DIR") or ".") .. "/common.lua")

wrk.method = "POST"
wrk.path = "/v3/directline/tokens/generate"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DL_SECRET")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"user":{"id":"dl_bench","name":"Bench"}}'
