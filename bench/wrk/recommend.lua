-- POST /v1/recommend over the places and incident classes in turn.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "places.lua")
local types = {"medical", "fire", "disaster", "rescue", "security"}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local p, i = next_place()
  local body = string.format('{"lat":%.4f,"lon":%.4f,"type":"%s","k":3}', p[1], p[2],
                             types[i % #types + 1])
  return wrk.format(nil, "/v1/recommend", nil, body)
end
