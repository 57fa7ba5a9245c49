-- wrk script: searches for firm names, phrases and filtered queries, in random order.
math.randomseed(11)
local queries = {
  "/search?q=Quillon+battery", "/search?q=%22chip+fab%22", "/search?q=Tindra+deal",
  "/search?q=Orbis+satellite", "/search?q=Velatide+trial", "/search?q=Harrow+drug",
  "/search?q=Sable+Chips&topic=Chips", "/search?q=Norvale+profit&provider=outlet007.example",
  "/search?q=Kesvik+wind", "/search?q=Ironleaf+approval",
}
request = function()
  return wrk.format("GET", queries[math.random(1, #queries)])
end
