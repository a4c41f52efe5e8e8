-- /route with turn-by-turn steps as a crew's phone asks for them: each step's polyline, its
-- manoeuvre and road name, beside the route's own line.
query = "overview=full&steps=true"
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "route.lua")
