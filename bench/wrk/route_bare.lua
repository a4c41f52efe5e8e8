-- /route without geometry: duration, distance and waypoints only.
query = "overview=false"
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "route.lua")
