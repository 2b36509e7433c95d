-- Canting mixed-load driver for wrk (LuaJIT): people browsing, booking, confirming, cancelling.
--
--   wrk -t20 -c20 -d20s -s bench/wrk/mixed.lua http://127.0.0.1:PORT -- \
--       tag=RUN roomy=1,2,3 filling=4,5 browse=6,7,8 classes=slug-a,slug-b mix=60,20,15,5 \
--       [filling_share=0.2] [pages=3]
--
-- ONE CONNECTION PER THREAD (-t equal to -c; bench/mixed.py sees to it). wrk calls
-- request() and then response() for the same connection, so with one connection in
-- a thread's Lua state they strictly alternate: request() notes what it sent and
-- when, response() knows which request it answers. That gives each action its own
-- latency (a monotonic clock around each request, the same span wrk measures) and
-- lets a thread follow up on its own bookings.
--
-- Each request draws an action by weight (mix=browse,hold,confirm,cancel, in %):
--   browse   GET the session list (?available=true, pages 1 to `pages`, 3), one session
--            (/api/v1/sessions/{id}/) or one class (/api/v1/classes/{slug}/)
--   hold     POST /api/v1/bookings/ as a guest with an e-mail of its own, one seat;
--            mostly on `roomy` sessions (plenty of seats), some on `filling` ones,
--            which fill up: their 409 session_full is expected, not a failure.
--            A 201 puts the booking (code, manage token) on this thread's queue.
--   confirm  POST /api/v1/bookings/{code}/confirm/ with X-Manage-Token, for the oldest
--            held booking of this thread (a hold instead while it has none)
--   cancel   POST /api/v1/bookings/{code}/cancel/ for the oldest confirmed booking of
--            this thread, else the oldest held one (a hold instead while it has none)
--
-- done() prints `BENCH ...` lines: the totals bench.lua prints (responses, elapsed,
-- status, code, latency, errors) and per action:
--   BENCH action NAME answered ok refused unexpected sent
--     (sent - answered: requests still on the wire when wrk stopped, or lost to a socket error)
--   BENCH action_latency NAME p50 p95 p99       (microseconds)
--   BENCH action_status NAME STATUS N
--   BENCH action_code NAME CODE N               (the API's error codes)

local shared = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "shared.lua")

local ACTIONS = { "browse", "hold", "confirm", "cancel" }
local now = shared.now

-- ---------------------------------------------------------------- main state
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- ------------------------------------------------------------- thread states
local tag
local roomy, filling, browse_ids, classes = {}, {}, {}, {}
local weights = { 60, 20, 15, 5 }
local filling_share = 0.2
local pages = 3
local held, confirmed = {}, {} -- this thread's bookings: { code = ..., token = ... }
local current -- what the request on the wire is: { action, started, filling, booking }
local started
local holds_sent = 0
local calls = 0
local json_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
local get_headers = { ["Accept"] = "application/json" }

-- Globals of the thread's state, read by done() through thread:get().
counts = {}
codes = {}
responses = 0
elapsed = 0
-- Flat tables only: wrk's thread:get() cannot copy a table that holds tables.
-- tally["ok browse"], tally["refused hold"], tally["status confirm 200"], tally["code hold session_full"]
tally = {}
lat_browse, lat_hold, lat_confirm, lat_cancel = {}, {}, {}, {}
local latencies = { browse = lat_browse, hold = lat_hold, confirm = lat_confirm, cancel = lat_cancel }

local function ids(text)
  local found = {}
  for id in (text or ""):gmatch("[^,]+") do
    table.insert(found, id)
  end
  return found
end

function init(args)
  local opts = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then
      opts[key] = value
    end
  end
  tag = opts.tag or "mixed"
  roomy, filling = ids(opts.roomy), ids(opts.filling)
  browse_ids, classes = ids(opts.browse), ids(opts.classes)
  if #roomy == 0 or #browse_ids == 0 or #classes == 0 then
    error("mixed.lua needs roomy=ID,... browse=ID,... classes=SLUG,...")
  end
  if opts.mix then
    weights = {}
    for w in opts.mix:gmatch("[^,]+") do
      table.insert(weights, tonumber(w))
    end
  end
  filling_share = tonumber(opts.filling_share or filling_share)
  pages = tonumber(opts.pages or pages)
  math.randomseed(1000 + tid)
  started = now()
end

local function count(key)
  tally[key] = (tally[key] or 0) + 1
end

local function pick(list)
  return list[math.random(#list)]
end

local function choose()
  local r = math.random() * 100
  if r < weights[1] then
    return "browse"
  end
  r = r - weights[1]
  if r < weights[2] then
    return "hold"
  end
  r = r - weights[2]
  if r < weights[3] then
    return #held > 0 and "confirm" or "hold"
  end
  return (#confirmed > 0 or #held > 0) and "cancel" or "hold"
end

local function browse_request()
  local r = math.random()
  if r < 0.5 then
    local page = math.random(pages)
    local path = "/api/v1/sessions/?available=true" .. (page > 1 and ("&page=" .. page) or "")
    return wrk.format("GET", path, get_headers)
  elseif r < 0.8 then
    return wrk.format("GET", "/api/v1/sessions/" .. pick(browse_ids) .. "/", get_headers)
  end
  return wrk.format("GET", "/api/v1/classes/" .. pick(classes) .. "/", get_headers)
end

local function transition(booking, verb)
  local headers = { ["Accept"] = "application/json", ["X-Manage-Token"] = booking.token }
  return wrk.format("POST", "/api/v1/bookings/" .. booking.code .. "/" .. verb .. "/", headers, "")
end

function request()
  -- wrk also calls this once before the run, in the first thread's state, to check
  -- the script; that request is never sent, so it is not counted as sent.
  calls = calls + 1
  local action = choose()
  current = { action = action, started = now() }
  if not (tid == 1 and calls == 1) then
    count("sent " .. action)
  end
  if action == "browse" then
    return browse_request()
  elseif action == "confirm" then
    current.booking = table.remove(held, 1)
    return transition(current.booking, "confirm")
  elseif action == "cancel" then
    current.booking = table.remove(confirmed, 1) or table.remove(held, 1)
    return transition(current.booking, "cancel")
  end
  holds_sent = holds_sent + 1
  local session
  if #filling > 0 and math.random() < filling_share then
    session, current.filling = pick(filling), true
  else
    session = pick(roomy)
  end
  local body = string.format(
    '{"session": %s, "seats": 1, "language": "en", "contact": {"name": "Mixed Guest", '
      .. '"email": "mixed-%s-%d-%d@bench.example", "phone": ""}}',
    session,
    tag,
    tid,
    holds_sent
  )
  return wrk.format("POST", "/api/v1/bookings/", json_headers, body)
end

function response(status, _headers, body)
  local ended = now()
  counts[status] = (counts[status] or 0) + 1
  responses = responses + 1
  elapsed = ended - started
  local req = current
  current = nil
  if req == nil then
    return
  end
  local name = req.action
  table.insert(latencies[name], (ended - req.started) * 1e6)
  count("status " .. name .. " " .. status)
  local code
  if status >= 400 and body then
    -- The API's error shape is {"code": ..., "detail": ..., "fields": ...}.
    code = body:match('"code"%s*:%s*"([%w_]+)"') or "?"
    codes[code] = (codes[code] or 0) + 1
    count("code " .. name .. " " .. code)
  end
  local ok = false
  if name == "browse" then
    ok = status == 200
  elseif name == "hold" then
    if status == 201 and body then
      local booking_code = body:match('"code"%s*:%s*"([%w%-]+)"')
      local token = body:match('"manage_token"%s*:%s*"(%x+)"')
      ok = booking_code ~= nil and token ~= nil
      if ok then
        table.insert(held, { code = booking_code, token = token })
      end
    elseif status == 409 and code == "session_full" and req.filling then
      count("refused " .. name)
      return
    end
  elseif name == "confirm" then
    ok = status == 200
    if ok then
      table.insert(confirmed, req.booking)
    end
  else
    ok = status == 200
  end
  count((ok and "ok " or "unexpected ") .. name)
end

-- ---------------------------------------------------------------- main state
local function percentile(sorted, p)
  if #sorted == 0 then
    return 0
  end
  return sorted[math.max(1, math.ceil(p / 100 * #sorted))]
end

function done(summary, latency, _requests)
  local merged, merged_codes, total, run_elapsed = shared.merge(threads)
  local merged_tally, lat = {}, {}
  for _, name in ipairs(ACTIONS) do
    lat[name] = {}
  end
  for _, thread in ipairs(threads) do
    shared.add(merged_tally, thread:get("tally"))
    for _, name in ipairs(ACTIONS) do
      for _, v in ipairs(thread:get("lat_" .. name) or {}) do
        table.insert(lat[name], v)
      end
    end
  end
  shared.write_run(merged, merged_codes, total, run_elapsed, latency)
  for _, name in ipairs(ACTIONS) do
    local ok = merged_tally["ok " .. name] or 0
    local refused = merged_tally["refused " .. name] or 0
    local unexpected = merged_tally["unexpected " .. name] or 0
    local sent = merged_tally["sent " .. name] or 0
    io.write(
      string.format(
        "BENCH action %s %d %d %d %d %d\n",
        name,
        ok + refused + unexpected,
        ok,
        refused,
        unexpected,
        sent
      )
    )
    table.sort(lat[name])
    io.write(
      string.format(
        "BENCH action_latency %s %d %d %d\n",
        name,
        percentile(lat[name], 50),
        percentile(lat[name], 95),
        percentile(lat[name], 99)
      )
    )
  end
  for key, n in pairs(merged_tally) do
    local kind, name, value = key:match("^(%a+) (%a+) (.+)$")
    if kind == "status" or kind == "code" then
      io.write(string.format("BENCH action_%s %s %s %d\n", kind, name, value, n))
    end
  end
  shared.write_errors(summary)
end
