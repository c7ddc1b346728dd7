-- wrk script: adds `Authorization: Bearer $TOKEN` to every request.
local token = os.getenv("TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d status_errors=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
