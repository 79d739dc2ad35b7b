-- POSTs one GraphQL body (a file) again and again: wrk -s post.lua URL -- BODY_FILE TOKEN
local body, token
function init(args)
  local f = assert(io.open(args[1], "r"))
  body = f:read("*a")
  f:close()
  token = args[2]
end
function request()
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", nil, headers, body)
end
local failures = 0
function response(status, headers, body)
  if status ~= 200 or body:find('"errors"') then failures = failures + 1 end
end
function done(summary, latency, requests)
  -- wrk cannot gather per-thread counters here; the run script checks one answer beforehand.
end
