-- wrk script: story pages of random stories (ids s0 .. s99999 in the bench store).
math.randomseed(7)
request = function()
  return wrk.format("GET", "/story/s" .. math.random(0, 99999))
end
