-- What every Canting wrk script shares: a monotonic clock, and what done() prints
-- (`BENCH key value` lines that bench/load.py reads). Each script loads this file
-- from its own folder:
--
--   local shared = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "shared.lua")

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } canting_timespec;
int clock_gettime(int clock_id, canting_timespec *tp);
]])

local CLOCK_MONOTONIC = 1
local shared = {}

-- Seconds on the monotonic clock (wrk's Lua has no clock of its own finer than a second).
function shared.now()
  local ts = ffi.new("canting_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

-- Add the counts of `from` (a table of key -> n, or nil) into `into`.
function shared.add(into, from)
  for key, n in pairs(from or {}) do
    into[key] = (into[key] or 0) + n
  end
end

-- The threads' status counts, error codes, responses and elapsed time, added up.
function shared.merge(threads)
  local merged, merged_codes, total, elapsed = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    shared.add(merged, thread:get("counts"))
    shared.add(merged_codes, thread:get("codes"))
    total = total + (thread:get("responses") or 0)
    elapsed = math.max(elapsed, thread:get("elapsed") or 0)
  end
  return merged, merged_codes, total, elapsed
end

-- Responses, elapsed time, statuses, error codes, and wrk's own latency
-- percentiles over every request of the run (microseconds).
function shared.write_run(merged, merged_codes, total, elapsed, latency)
  io.write(string.format("BENCH responses %d\n", total))
  io.write(string.format("BENCH elapsed %.6f\n", elapsed))
  for status, n in pairs(merged) do
    io.write(string.format("BENCH status %d %d\n", status, n))
  end
  for code, n in pairs(merged_codes) do
    io.write(string.format("BENCH code %s %d\n", code, n))
  end
  io.write(
    string.format(
      "BENCH latency %d %d %d\n",
      latency:percentile(50),
      latency:percentile(95),
      latency:percentile(99)
    )
  )
end

-- wrk's socket errors.
function shared.write_errors(summary)
  local e = summary.errors
  io.write(
    string.format(
      "BENCH errors connect=%d read=%d write=%d timeout=%d\n",
      e.connect,
      e.read,
      e.write,
      e.timeout
    )
  )
end

return shared
