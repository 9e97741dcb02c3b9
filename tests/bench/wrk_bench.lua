-- wrk script of the web benchmarks (tests/bench/web.py). Arguments after `--`:
--   requests file (one request a line: method TAB path TAB cookie TAB csrf-or-- TAB body-or--),
--   total requests, wrk threads, marker file prefix.
-- Thread k sends lines k+1, k+1+n, k+1+2n, ... (n threads), cycling through the file. Each thread
-- counts `total / n` responses (its quota), then stops and leaves a marker file; the driver then
-- interrupts wrk, which runs done() below. Requests its other connections still have in flight at
-- that moment are neither counted nor timed, so this suits repeatable requests (GETs) only: a
-- connection cannot be left idle instead, as a sync gunicorn worker would wait on it.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now_us()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

local threads = {}
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local lines = {}
local quota, nthreads, marker = 0, 1, ""
sent, received, first_us, last_us = 0, 0, 0, 0
status = {}

local function split(line)
    local out = {}
    for field in string.gmatch(line, "([^\t]*)\t?") do
        table.insert(out, field)
        if #out == 5 then
            break
        end
    end
    return out
end

function init(args)
    local file = assert(io.open(args[1], "r"))
    for line in file:lines() do
        local f = split(line)
        local headers = { ["Cookie"] = f[3], ["Host"] = "127.0.0.1" }
        local body = nil
        if f[4] ~= "-" then
            headers["X-CSRFToken"] = f[4]
        end
        if f[5] ~= "-" then
            body = f[5]
            headers["Content-Type"] = "application/json"
        end
        table.insert(lines, wrk.format(f[1], f[2], headers, body))
    end
    file:close()
    local total = tonumber(args[2])
    nthreads = tonumber(args[3])
    marker = args[4]
    quota = math.floor(total / nthreads)
    if id < total % nthreads then
        quota = quota + 1
    end
end

function request()
    local line = lines[(sent * nthreads + id) % #lines + 1]
    sent = sent + 1
    if first_us == 0 then
        first_us = now_us()
    end
    return line
end

function response(code, headers, body)
    if received >= quota then
        return
    end
    received = received + 1
    status[code] = (status[code] or 0) + 1
    last_us = now_us()
    if received >= quota then
        local f = io.open(marker .. id, "w")
        f:write("done")
        f:close()
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local codes, responses, first, last = {}, 0, nil, 0
    for _, t in ipairs(threads) do
        for code, n in pairs(t:get("status")) do
            codes[code] = (codes[code] or 0) + n
        end
        responses = responses + t:get("received")
        local f = t:get("first_us")
        if f > 0 and (first == nil or f < first) then
            first = f
        end
        if t:get("last_us") > last then
            last = t:get("last_us")
        end
    end
    local parts = {}
    for code, n in pairs(codes) do
        table.insert(parts, string.format('"%d": %d', code, n))
    end
    local e = summary.errors
    io.write(string.format(
        'BENCHJSON {"responses": %d, "first_us": %d, "last_us": %d, "status": {%s}, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
        '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %d}}\n',
        responses, first or 0, last, table.concat(parts, ", "),
        e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
        latency.max, latency.mean))
end
