-- setBudget with the version it last saw, one application per thread (wrk -t C -c C):
-- wrk -s set_budget.lua URL -- TEMPLATE_FILE TOKEN IDS_FILE
-- TEMPLATE_FILE holds the body with {{APP}} and {{VERSION}}; IDS_FILE one application ID per line,
-- each followed by the version it is at.
local template, token, app, version
local ids, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
function init(args)
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a")
  f:close()
  token = args[2]
  for line in io.lines(args[3]) do ids[#ids + 1] = line end
  local at
  app, at = ids[index]:match("^(%S+)%s+(%d+)$")
  version = tonumber(at)
end
function request()
  local body = template:gsub("{{APP}}", app):gsub("{{VERSION}}", tostring(version))
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json",
                    ["Authorization"] = "Bearer " .. token }
  return wrk.format("POST", nil, headers, body)
end
function response(status, headers, body)
  local v = body:match('"version":(%d+)') or body:match('"integer":(%d+)') or body:match("now at version (%d+)")
  if v then version = tonumber(v) end
end
