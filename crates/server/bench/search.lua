-- wrk script: a varied search mix over the bench store's vocabulary (see
-- examples/bench_serve.rs): 600 distinct queries, single words, two words, phrases and
-- exclusions, a third of them filtered by topic, provider or dates, in random order.
math.randomseed(11)

local firms = {
  "Quillon", "Tessel", "Cobaltline", "Tindra", "Orbis", "Norvale", "Altura", "Stratus",
  "Larchmont", "Meridian", "Velatide", "Kesvik", "Harrow", "Pellam", "Sable", "Brightwater",
  "Corvane", "Estmark", "Falcon", "Ironleaf",
}
local things = {
  "battery", "plant", "funding", "round", "profit", "model", "deal", "satellite", "launch",
  "antitrust", "review", "fab", "drug", "trial", "grid", "software", "wind", "farm", "export",
  "business", "approval", "probe", "record", "rival",
}
local words = {
  "analysts", "investors", "shares", "regulators", "market", "customers", "growth", "billion",
  "quarter", "executives", "demand", "supply", "prices", "energy", "factory", "workers",
  "union", "strike", "court", "ruling", "appeal", "rocket", "orbit", "patients", "vaccine",
  "storm", "flood", "drought", "election", "minister", "parliament", "budget", "tariff",
}
local phrases = {
  "chip fab", "battery plant", "funding round", "wind farm", "antitrust review", "drug trial",
  "grid software", "satellite launch", "Sable Chips", "Harrow Bio", "new AI model",
  "export business", "quarterly profit", "Kesvik Ports", "Stratus Grid", "Pellam Air",
  "Falcon Motors", "Estmark Rail", "wins approval", "faces probe",
}
local topics = {
  "AI", "Funding", "Energy", "Climate", "Markets", "Politics", "Science", "Health", "Sports",
  "Space", "Chips", "Deals",
}

local function pick(list) return list[math.random(1, #list)] end
local function enc(s) return (s:gsub(" ", "+"):gsub('"', "%%22")) end

local function make()
  local kind = math.random(1, 6)
  local q
  if kind == 1 then q = pick(firms)
  elseif kind == 2 then q = pick(things)
  elseif kind == 3 then q = pick(firms) .. " " .. pick(things)
  elseif kind == 4 then q = pick(words) .. " " .. pick(things)
  elseif kind == 5 then q = '"' .. pick(phrases) .. '"'
  else q = pick(firms) .. " " .. pick(things) .. " -" .. pick(words) end
  local path = "/search?q=" .. enc(q)
  local filter = math.random(1, 9)
  if filter == 1 then path = path .. "&topic=" .. pick(topics)
  elseif filter == 2 then path = path .. string.format("&provider=outlet%03d.example", math.random(0, 199))
  elseif filter == 3 then
    local m = math.random(1, 11)
    path = path .. string.format("&from=2025-%02d-01&to=2025-%02d-28", m, m + 1)
  end
  return path
end

local queries, seen = {}, {}
while #queries < 600 do
  local path = make()
  if not seen[path] then
    seen[path] = true
    queries[#queries + 1] = path
  end
end

request = function()
  return wrk.format("GET", queries[math.random(1, #queries)])
end
