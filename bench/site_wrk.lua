-- wrk script for the site benchmark (bench/site_load.py runs it).
--
--   wrk -s bench/site_wrk.lua URL -- ADDRESSES_FILE [get | post STAMP TAG]
--
-- get: each thread cycles through the addresses in the file, one per line,
-- starting at a different place. post: each line is a comment form's address
-- and, optionally, the id of the comment to reply to; every request posts a
-- new comment as a browser would without JavaScript (form fields, the signed
-- stamp, an empty honeypot, Sec-Fetch-Site: same-origin), from a new reader.
--
-- At the end one line "WRK {json}" gives the totals, latency percentiles (µs),
-- the responses by status class and by X-Cache header (hit, stale, miss, other).

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

local addresses = {}
local mode = "get"
local stamp, tag = "", ""
local next_index = 0
local posted = 0
local origin = ""

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(addresses, line)
      end
   end
   mode = args[2] or "get"
   stamp = args[3] or ""
   tag = args[4] or "run"
   next_index = (id * 7919) % #addresses
   origin = "http://" .. wrk.host .. ":" .. tostring(wrk.port)
   hit, stale, miss, other, s2, s3, s4, s5 = 0, 0, 0, 0, 0, 0, 0, 0
   math.randomseed(id * 104729)
end

local words = {
   "council", "budget", "harbour", "minister", "vote", "tram", "report",
   "school", "river", "talks", "prices", "workers", "housing", "plan",
   "election", "court", "energy", "water", "farmers", "storm",
}

local function comment_body()
   local parts = {tag, "reader", tostring(id), "comment", tostring(posted)}
   for _ = 1, 12 do
      table.insert(parts, words[math.random(#words)])
   end
   return table.concat(parts, "+") .. "."
end

function request()
   next_index = next_index % #addresses + 1
   local line = addresses[next_index]
   if mode ~= "post" then
      return wrk.format("GET", line)
   end
   posted = posted + 1
   local path, parent = line:match("^(%S+)%s*(%S*)$")
   local reader = tag .. "-" .. tostring(id) .. "-" .. tostring(posted)
   local body = "body=" .. comment_body()
      .. "&author_name=Reader+" .. reader
      .. "&author_email=" .. reader .. "%40example.org"
      .. "&website=&shown_at=" .. stamp
      .. "&parent=" .. (parent or "")
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Sec-Fetch-Site"] = "same-origin",
      ["Origin"] = origin,
   }, body)
end

function response(status, headers, body)
   local cache = headers["X-Cache"] or headers["x-cache"]
   if cache == "hit" then
      hit = hit + 1
   elseif cache == "stale" then
      stale = stale + 1
   elseif cache == "miss" then
      miss = miss + 1
   else
      other = other + 1
   end
   if status < 300 then
      s2 = s2 + 1
   elseif status < 400 then
      s3 = s3 + 1
   elseif status < 500 then
      s4 = s4 + 1
   else
      s5 = s5 + 1
   end
end

function done(summary, latency, requests)
   local totals = {
      hit = 0, stale = 0, miss = 0, other = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0,
   }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
   end
   local e = summary.errors
   io.write(string.format(
      'WRK {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d, "status": %d, '
      .. '"p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, '
      .. '"hit": %d, "stale": %d, "miss": %d, "other": %d, '
      .. '"s2": %d, "s3": %d, "s4": %d, "s5": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read,
      e.write, e.timeout, e.status, latency:percentile(50),
      latency:percentile(99), latency.mean, latency.max, totals.hit,
      totals.stale, totals.miss, totals.other, totals.s2, totals.s3, totals.s4,
      totals.s5))
end
