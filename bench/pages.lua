-- wrk script: rotate GET requests over the paths given after `--`, and count every answer
-- that is not 2xx.
--
--     wrk -c32 -d30s -s bench/pages.lua http://127.0.0.1:8071 -- / /diary/12-slug /feed.xml
--
-- wrk's own "Non-2xx or 3xx responses" line counts only statuses of 400 and above, so a
-- redirect would pass unnoticed there; this script counts anything outside 200-299 and
-- prints, after wrk's summary:
--
--     pages.lua non-2xx: N
--     pages.lua statuses: 301=n 500=n      (only when N > 0)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local requests = {}
local next_index = 0
bad = 0
statuses = {}

function init(args)
  for i, path in ipairs(args) do
    requests[i] = wrk.format("GET", path)
  end
  if #requests == 0 then
    requests[1] = wrk.format("GET", "/")
  end
  -- Threads start at different paths, so the mix is even from the first second.
  next_index = math.random(#requests) - 1
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests_summary)
  local total, counts = 0, {}
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  io.write(string.format("pages.lua non-2xx: %d\n", total))
  if total > 0 then
    local parts = {}
    for status, count in pairs(counts) do
      table.insert(parts, string.format("%d=%d", status, count))
    end
    table.sort(parts)
    io.write("pages.lua statuses: " .. table.concat(parts, " ") .. "\n")
  end
end
