-- mixed.lua: wrk script for casmap's load phase. Every request picks a
-- route the map or an OGC client uses: landing, collections, items with
-- bbox, datetime, filters, zoom and near, single items, the page and its
-- assets; a third of the items requests use a random bbox, so the response
-- cache misses and evicts under load too. Half ask for gzip.
--
-- Arguments after "--": asset paths and an incident id found at run time.
-- done() prints how many answers were 5xx and how many were 4xx.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local fixed = {
  "/healthz",
  "/api",
  "/api/conformance",
  "/api/collections",
  "/api/collections/incidents",
  "/api/collections/incidents/queryables",
  "/api/collections/borders/items?limit=10000",
  "/api/collections/borders/items?limit=10000&zoom=5",
  "/api/collections/gbao/items?limit=10000&zoom=5",
  "/api/collections/gbao/items",
  "/api/collections/tapi/items",
  "/api/collections/railways/items?limit=1000",
  "/api/collections/places/items?limit=1000",
  "/api/collections/incidents/items?limit=1000",
  "/api/collections/incidents/items?bbox=60,30,75,45",
  "/api/collections/incidents/items?datetime=2022-01-01/2023-12-31",
  "/api/collections/incidents/items?datetime=2023-06-01/..",
  "/api/collections/incidents/items?category=attack&limit=50",
  "/api/collections/incidents/items?country=AFG&confidence=confirmed",
  "/api/collections/incidents/items?limit=10&offset=10",
  "/api/collections/incidents/items?f=csv&download=1",
  "/api/collections/railways/items?f=kml",
  "/api/collections/incidents/items?near=borders/afg&within_km=50",
  "/api/collections/borders/items/afg",
  "/",
}

function init(args)
  paths = {}
  for _, p in ipairs(fixed) do table.insert(paths, p) end
  for _, a in ipairs(args) do table.insert(paths, a) end
  errors5xx, other4xx, n = 0, 0, 0
  math.randomseed(id * 7919 + os.time())
end

local function random_bbox()
  local x = 60 + math.random(0, 150) / 10
  local y = 30 + math.random(0, 120) / 10
  return string.format("/api/collections/incidents/items?bbox=%.1f,%.1f,%.1f,%.1f", x, y, x + 2, y + 2)
end

function request()
  n = n + 1
  local path
  if n % 8 == 0 then
    path = random_bbox()
  else
    path = paths[math.random(#paths)]
  end
  local headers = {}
  if n % 2 == 0 then headers["Accept-Encoding"] = "gzip" end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status >= 500 then
    errors5xx = errors5xx + 1
  elseif status >= 400 then
    other4xx = other4xx + 1
  end
end

function done(summary, latency, requests)
  local e5, e4 = 0, 0
  for _, t in ipairs(threads) do
    e5 = e5 + t:get("errors5xx")
    e4 = e4 + t:get("other4xx")
  end
  io.write(string.format("mixed.lua: status>=500: %d, status 4xx: %d\n", e5, e4))
end
