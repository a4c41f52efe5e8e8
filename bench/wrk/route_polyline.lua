-- /route with the full geometry as OSRM clients ask for it by default: an encoded polyline.
query = "overview=full"
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "route.lua")
