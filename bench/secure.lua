-- wrk script for bench/secure.sh: as gateway.lua (GET the demo's vehicle route cycling
-- through the sample VRMs), with `Authorization: Bearer $FERRULE_BENCH_TOKEN` when that
-- is set. Requests are built once per thread in init().

local vrms = {
  "AB12CDE", "WX70ZZZ", "LK09HTR", "YR63OPL", "GN18KTV",
  "SF15WJB", "BD51SMR", "KP66NXA", "EY21UBS", "CU04XRW",
}

local requests = {}
local n = 0

function init(args)
  local token = os.getenv("FERRULE_BENCH_TOKEN")
  local headers = {}
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  for i, vrm in ipairs(vrms) do
    requests[i] = wrk.format("GET", "/v1/vehicles/" .. vrm, headers)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
