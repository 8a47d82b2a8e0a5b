-- Shared by the wrk scripts: count non-2xx responses in every thread and report them in done().
-- wrk runs each thread in its own Lua state, so counters are collected through the thread handles.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  responses = 0
end

function count_response(status)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function response(status, headers, body)
  count_response(status)
end

function done(summary, latency, requests)
  local bad, total = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    total = total + thread:get("responses")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d counted=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, socket_errors, e.connect, e.read, e.write, e.timeout, total))
end
