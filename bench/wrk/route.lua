-- GET /route/v1/ambulance between the places in turn, full GeoJSON geometry (or the options a
-- script that sets `query` before loading this one asks for).
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(dir .. "places.lua")
query = query or "overview=full&geometries=geojson"
request = function()
  local a, i = next_place()
  local b = places[(i * 3) % #places + 1]
  return wrk.format("GET", string.format("/route/v1/ambulance/%.4f,%.4f;%.4f,%.4f?%s",
    a[2], a[1], b[2], b[1], query))
end
