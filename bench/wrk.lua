-- One GraphQL request, POSTed again and again by wrk. bench/compare.py writes the request
-- (BODY) and credentials (AUTH) in front of this file. Answers that are not 200, or that carry
-- GraphQL errors, are counted as errors; the others as ok. done() prints one JSON line.
-- A BODY holding UNIQUE (bench/operations.py, Operation.unique) has it replaced in every request
-- by a value no other request of the run sends (thread number and request count).
wrk.method = "POST"
wrk.body = BODY
wrk.headers["Content-Type"] = "application/json"
if AUTH ~= "" then wrk.headers["Authorization"] = AUTH end

local UNIQUE = "__unique__"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

if string.find(BODY, UNIQUE, 1, true) then
  local sent = 0
  function request()
    sent = sent + 1
    local body = string.gsub(BODY, UNIQUE, "benchmark " .. number .. "-" .. sent)
    return wrk.format(nil, nil, nil, body)
  end
end

bad = 0
good = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  else
    good = good + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local ok = 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("bad")
    ok = ok + thread:get("good")
  end
  io.write(string.format(
    '{"requests": %d, "ok": %d, "seconds": %f, "rps": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d}\n',
    summary.requests, ok, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
