-- recordPayment settling requested instalments, each once, one connection per thread:
-- wrk -t C -c C -s settle_instalment.lua URL -- TEMPLATE_FILE TOKEN IDS_FILE EACH
-- TEMPLATE_FILE holds the body with {{ALLOCATION}}, {{INSTALMENT}} and {{AMOUNT}}; IDS_FILE one
-- instalment a line ("allocation-id instalment-id amount"); thread i settles lines
-- (i - 1)·EACH + 1 to i·EACH and stops after its last answer. wrk itself always runs for its -d and
-- divides by it, so the script times the work: from the first request sent to the last answer
-- read, on the monotonic clock (LuaJIT's ffi), and done() prints the answers a second over that
-- span ("Settled/sec"), which the report takes in place of wrk's Requests/sec. A thread that has
-- not finished its share when the duration ends counts what it was answered until then.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } salkku_timespec;
int clock_gettime(int clock, salkku_timespec *t);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("salkku_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

local bodies, headers, asked = {}, nil, nil
-- Read back by done(), so global.
started, finished, answered = nil, nil, 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  local template = f:read("*a")
  f:close()
  headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json",
              ["Authorization"] = "Bearer " .. args[2] }
  local each = tonumber(args[4])
  local line, from = 0, (index - 1) * each
  for l in io.lines(args[3]) do
    line = line + 1
    if line > from and line <= from + each then
      local allocation, instalment, amount = l:match("^(%S+) (%S+) (%S+)$")
      local body = template:gsub("{{ALLOCATION}}", allocation):gsub("{{INSTALMENT}}", instalment):gsub("{{AMOUNT}}", amount)
      bodies[#bodies + 1] = body
    end
  end
  assert(#bodies == each, "IDS_FILE holds too few instalments for thread " .. index)
end

-- One connection a thread and no pipelining: the request after n answers is the (n + 1)th. wrk
-- also asks the first thread for a request once before it starts, to check it, and sends nothing:
-- so the request is chosen by the answers so far, not by the calls, and the span starts at the
-- request the first answer answers.
function request()
  asked = now()
  -- Past its share (the loop may ask once more before it stops): a read that writes nothing.
  local body = bodies[answered + 1] or '{"query":"{ __typename }"}'
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if answered == 0 then started = asked end
  answered = answered + 1
  finished = now()
  if answered == #bodies then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local first, last, total = nil, nil, 0
  for _, t in ipairs(threads) do
    local s, f = t:get("started"), t:get("finished")
    total = total + (t:get("answered") or 0)
    if s and (not first or s < first) then first = s end
    if f and (not last or f > last) then last = f end
  end
  if first and last and last > first then
    io.write(string.format("Settled: %d in %.3f s\nSettled/sec: %.2f\n", total, last - first, total / (last - first)))
  else
    io.write("Settled/sec: no answer\n")
  end
end
