-- Canting benchmark driver for wrk (LuaJIT). One script for every run:
--
--   wrk -t1 -c20 -d60s -s bench/wrk/bench.lua http://127.0.0.1:PORT -- \
--       mode=book|get path=/api/v1/... limit=N sessions=1,2,3 tag=RUN
--
-- mode=get   GET `path` again and again; with bust=1 each GET adds a query
--            parameter of its own (nocache=...), so no answer comes from a cache.
-- mode=book  POST a one-seat guest booking to `path`; every request has its own
--            guest e-mail (the API allows 3 active holds per e-mail) and the
--            sessions are taken round-robin from `sessions`.
-- limit=N    send exactly N requests, then stop (0: run for wrk's -d duration).
--            Exactly: delay() hands out one "ticket" per request and parks the
--            connection once the tickets are gone, so no extra request is sent.
--
-- Status codes (and the API's error codes) are counted per thread (globals of the thread's Lua state) and
-- added up in done(), which prints
-- `BENCH key value` lines for bench/run.py. The rate is measured here with a
-- monotonic clock, from init() to the last counted response, so a limited run
-- is not charged for wrk's -d timeout.

local ffi = require("ffi")
local shared = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "shared.lua")
ffi.cdef([[
int getpid(void);
int kill(int pid, int sig);
]])

local SIGINT = 2
local PARK_MS = 3600 * 1000
local now = shared.now

-- ---------------------------------------------------------------- main state
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- ------------------------------------------------------------- thread states
local mode, path, limit, tag, bust, sep
local get_headers = { ["Accept"] = "application/json" }
local sessions = {}
local tickets = 0 -- requests handed out (limited runs)
local sent = 0
local started
-- Globals of the thread's state, read by done() through thread:get().
counts = {}
codes = {}
responses = 0
elapsed = 0
local get_request
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

local function parse_args(args)
  local opts = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then
      opts[key] = value
    end
  end
  return opts
end

function init(args)
  local opts = parse_args(args)
  mode = opts.mode or "get"
  path = opts.path or "/"
  limit = tonumber(opts.limit or "0")
  tag = opts.tag or "run"
  for id in (opts.sessions or ""):gmatch("%d+") do
    table.insert(sessions, tonumber(id))
  end
  if mode == "book" and #sessions == 0 then
    error("mode=book needs sessions=ID,ID,...")
  end
  bust = opts.bust == "1"
  sep = path:find("?", 1, true) and "&" or "?"
  if mode == "get" then
    get_request = wrk.format("GET", path, get_headers)
  end
  if limit > 0 then
    -- Defined only for limited runs: wrk asks delay() before every request.
    function delay()
      if tickets < limit then
        tickets = tickets + 1
        return 0
      end
      return PARK_MS
    end
  end
  started = now()
end

function request()
  sent = sent + 1
  if mode == "get" then
    if bust then
      return wrk.format("GET", path .. sep .. "nocache=" .. tag .. "-" .. sent, get_headers)
    end
    return get_request
  end
  local session = sessions[(sent % #sessions) + 1]
  local body = string.format(
    '{"session": %d, "seats": 1, "contact": {"name": "Bench Guest", '
      .. '"email": "guest-%s-%d-%d@bench.example", "phone": ""}}',
    session,
    tag,
    tid,
    sent
  )
  return wrk.format("POST", path, headers, body)
end

function response(status, _headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status >= 400 and body then
    -- The API's error shape is {"code": ..., "detail": ..., "fields": ...}.
    local code = body:match('"code"%s*:%s*"([%w_]+)"') or "?"
    codes[code] = (codes[code] or 0) + 1
  end
  responses = responses + 1
  elapsed = now() - started
  if limit > 0 and responses >= limit then
    wrk.thread:stop()
    -- Wake wrk's main thread, which otherwise sleeps out the whole -d.
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

-- ---------------------------------------------------------------- main state
function done(summary, latency, _requests)
  local merged, merged_codes, total, elapsed = shared.merge(threads)
  shared.write_run(merged, merged_codes, total, elapsed, latency)
  shared.write_errors(summary)
end
