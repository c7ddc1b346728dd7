-- wrk script: sends REQUESTS requests (default 2000) per thread, then stops; sends the
-- COOKIE and TOKEN from the environment; prints the client-side latency percentiles in
-- microseconds on one "RESULT" line. wrk counts statuses >= 400 as errors; web.sh checks
-- with curl beforehand that each URL answers 200 (not a redirect to the sign-in page).
local limit = tonumber(os.getenv("REQUESTS") or "2000")
local cookie = os.getenv("COOKIE")
local token = os.getenv("TOKEN")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

local count = 0
function response(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d status_errors=%d p50_us=%d p95_us=%d p99_us=%d mean_us=%.0f\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean))
end
