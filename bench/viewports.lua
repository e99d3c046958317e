-- bench/viewports.lua: random map views for wrk, as issue 9 measures them:
-- a 0.1 degree box jittered (±0.5°) around a real place where incidents
-- cluster, limit 100, gzip. Each thread seeds its own generator.
local places = {
	{69.17, 34.53}, {65.71, 31.61}, {62.2, 34.35}, {67.11, 36.71}, {70.45, 34.43},
	{68.86, 36.73}, {70.58, 37.12}, {68.78, 38.56}, {71.55, 37.49}, {69.63, 40.28},
	{69.28, 41.31}, {66.96, 39.65}, {67.28, 37.22}, {72.34, 40.78}, {72.8, 40.51},
	{74.59, 42.87}, {76.95, 43.24}, {58.38, 37.95},
}

function init(args)
	math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(args[1]) or 0))
end

function request()
	local p = places[math.random(#places)]
	local x = p[1] + (math.random() - 0.5)
	local y = p[2] + (math.random() - 0.5)
	local path = string.format("/api/collections/incidents/items?bbox=%.4f,%.4f,%.4f,%.4f&limit=100",
		x - 0.05, y - 0.05, x + 0.05, y + 0.05)
	return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end
