-- wrk script: every request asks for a different /sheet (weight, height,
-- formula, start date, age and sex vary), so no cache of one answer can
-- flatter it. Implausible values are confirmed, so that every request runs
-- the growth check in full and yields a sheet.
local formulas = {"mosteller", "dubois", "haycock", "gehan_george", "boyd"}
local sexes = {"female", "male"}
local regimens = "&regimen=prednisolone&regimen=ivig&regimen=methotrexate&regimen=pamidronate&regimen=cyclophosphamide"

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed)
end

request = function()
  local weight = string.format("%d.%02d", math.random(3, 119), math.random(0, 99))
  local height = string.format("%d.%d", math.random(50, 199), math.random(0, 9))
  local start = string.format("2027-%02d-%02d", math.random(1, 12), math.random(1, 28))
  local path = "/sheet?weight=" .. weight .. "&weight_unit=kg&height=" .. height ..
    "&height_unit=cm&start=" .. start .. "&bsa_formula=" .. formulas[math.random(1, 5)] ..
    "&age_years=" .. math.random(0, 19) .. "&age_months=" .. math.random(1, 11) ..
    "&sex=" .. sexes[math.random(1, 2)] .. "&confirm_implausible=yes" .. regimens
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
