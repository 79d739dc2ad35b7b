-- recordPayment to an allocation of the connection's own, one per thread (wrk -t C -c C):
-- wrk -s record_payment.lua URL -- TEMPLATE_FILE TOKEN IDS_FILE
-- TEMPLATE_FILE holds the body with {{ALLOCATION}}; IDS_FILE one allocation ID per line. A
-- payment takes no version, so every request may be accepted; the run counts the payments the
-- database shows against the requests wrk sent.
local body, token
local ids, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
function init(args)
  local f = assert(io.open(args[1], "r"))
  local template = f:read("*a")
  f:close()
  token = args[2]
  for line in io.lines(args[3]) do ids[#ids + 1] = line end
  body = template:gsub("{{ALLOCATION}}", ids[index])
end
function request()
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json",
                    ["Authorization"] = "Bearer " .. token }
  return wrk.format("POST", nil, headers, body)
end
