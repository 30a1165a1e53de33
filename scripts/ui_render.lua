-- wrk script: POST /v1 with a fixed multipart body (a `ui_render` of the
-- to-do component and a realistic environment), then a machine-readable
-- summary for scripts/load.sh. With BODY_FILE and BOUNDARY set, the body is
-- that file's bytes as they are (scripts/compare-http.sh).

local function read(path)
  local file = assert(io.open(path, "rb"), "cannot open " .. path)
  local text = file:read("*a")
  file:close()
  return text
end

local boundary = "contentkit-load-3b9d0c1e"
local event = read(os.getenv("EVENT_FILE") or "fixtures/http/todo_ui_render.json")
local environment = read(os.getenv("ENVIRONMENT_FILE") or "fixtures/events/environment.json")

local function part(name, value)
  return "--" .. boundary .. "\r\n"
    .. 'Content-Disposition: form-data; name="' .. name .. '"\r\n\r\n'
    .. value .. "\r\n"
end

wrk.method = "POST"
wrk.path = "/v1"
if os.getenv("BODY_FILE") then
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. assert(os.getenv("BOUNDARY"), "BOUNDARY")
  wrk.body = read(os.getenv("BODY_FILE"))
else
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  wrk.body = part("event", event) .. part("environment", environment) .. "--" .. boundary .. "--\r\n"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
    .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx=%d body_bytes=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, #wrk.body))
end
