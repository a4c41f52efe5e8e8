-- GET /route/v1/ambulance between the places in turn, full GeoJSON geometry.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "places.lua")
request = function()
  local a, i = next_place()
  local b = places[(i * 3) % #places + 1]
  return wrk.format("GET", string.format(
    "/route/v1/ambulance/%.4f,%.4f;%.4f,%.4f?overview=full&geometries=geojson",
    a[2], a[1], b[2], b[1]))
end
