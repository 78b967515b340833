-- wrk script for bench/gateway.sh: GET the demo's vehicle route, cycling through the VRMs
-- of samples/gateway/vehicles.jsonl (every one is found: 200). The requests are built
-- once per thread in init(), so each request costs wrk a table lookup, not a string build.
-- Run against hyper_baseline the same way: it answers every path with the same body.
--
--   wrk -t2 -c64 -d10s --latency -s bench/gateway.lua http://127.0.0.1:PORT

local vrms = {
  "AB12CDE", "WX70ZZZ", "LK09HTR", "YR63OPL", "GN18KTV",
  "SF15WJB", "BD51SMR", "KP66NXA", "EY21UBS", "CU04XRW",
}

local requests = {}
local n = 0

function init(args)
  for i, vrm in ipairs(vrms) do
    requests[i] = wrk.format("GET", "/v1/vehicles/" .. vrm)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
