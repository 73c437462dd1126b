-- The Apollo balancer, run by the Lua module of nginx in every worker (rendered into nginx.conf).
-- The upstream members come from the shared dict apollo_members, which the control plane replaces
-- over the control socket (PUT /members) whenever instances change, so such a change needs no reload.
-- The document is lines of tab-separated fields, the first "apollo-members DIGEST":
--   P  POOL  ADDR,ADDR,...  BODY-502  BODY-504     the instances of one release and its error bodies
--   W  ENV/SERVICE  pool POOL | reply STATUS BODY  web, live release
--   B  ENV/SERVICE  ...                            web, testbed asked for by header or cookie (absent: none)
--   H  ENV/SERVICE  ...                            web, testbed asked for by host
--   R  ENV/SERVICE  ...                            rpc
-- Health is for the control plane to judge: no member is ever marked down here. A failed attempt is
-- tried once more on another member (nginx does so only after an error, never after a timeout, and
-- never for a request that is not idempotent once it was sent: proxy_next_upstream).
local balancer = require "ngx.balancer"

local members = ngx.shared.apollo_members
local NOT_YET = @@NOT_YET@@

local M = {}
local current = { digest = false, pools = {}, W = {}, B = {}, H = {}, R = {} }
local cursors = {}

local function fields(line)
  local out = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    out[#out + 1] = field
  end
  return out
end

local function choice(f)
  if f[3] == "pool" then
    return { pool = f[4] }
  end
  return { status = tonumber(f[4]), body = f[5] }
end

local function parse(doc)
  local parsed = { digest = false, pools = {}, W = {}, B = {}, H = {}, R = {} }
  for line in doc:gmatch("[^\n]+") do
    local f = fields(line)
    local kind = f[1]
    if kind == "apollo-members" then
      parsed.digest = f[2]
    elseif kind == "P" then
      local addrs = {}
      for address in f[3]:gmatch("[^,]+") do
        local host, port = address:match("^%[?(.-)%]?:(%d+)$")
        addrs[#addrs + 1] = { address = address, host = host, port = tonumber(port) }
      end
      parsed.pools[f[2]] = { id = f[2], addrs = addrs, unreachable = f[4], timeout = f[5] }
    elseif parsed[kind] then
      parsed[kind][f[2]] = choice(f)
    end
  end
  return parsed
end

-- The members every worker serves: parsed again only when the control plane has sent new ones.
local function now()
  local digest = members:get("digest")
  if digest ~= current.digest then
    local doc = members:get("doc")
    if doc then
      current = parse(doc)
    end
  end
  return current
end

local function reply(status, body)
  ngx.status = status
  ngx.header["Content-Length"] = #body + 1
  ngx.print(body, "\n")
  return ngx.exit(ngx.HTTP_OK)
end

local function wants_testbed(service)
  if ngx.var.apollo_testbed_cookie == service then
    return true
  end
  local header = ngx.var.http_x_apollo_testbed
  if header then
    for item in header:gmatch("[^,]+") do
      if item:match("^%s*(.-)%s*$") == service then
        return true
      end
    end
  end
  return false
end

local VIA = "1.1 apollo"

-- Headers nginx sets for the instance itself (proxy_set_header), and Connection's options: never
-- removed because a Connection header names them (Connection: Host must not cost the request its Host).
local SET_BY_US = {
  host = true, connection = true, upgrade = true, close = true, ["keep-alive"] = true,
  ["x-forwarded-for"] = true, ["x-forwarded-proto"] = true, ["x-forwarded-host"] = true, ["x-apollo-env"] = true,
}

-- All lines of a header as one, as RFC 9110 §5.3 allows for a list (nginx 1.22's variables see only the first line).
local function joined(value)
  if type(value) == "table" then
    return table.concat(value, ", ")
  end
  return value
end

-- The header names a Connection value lists, lower case (RFC 9110 §7.6.1: they belong to one connection).
local function named_by(connection)
  local names = {}
  if connection then
    for token in joined(connection):gmatch("[^,]+") do
      local name = token:match("^%s*(.-)%s*$"):lower()
      if name ~= "" and not SET_BY_US[name] then
        names[#names + 1] = name
      end
    end
  end
  return names
end

-- What the client sent, as the instance should see it (the embedded gateway's rules): headers the
-- client's Connection names dropped, every X-Forwarded-For line kept (nginx adds the client after
-- them) and our Via added after the client's.
function M.request_headers()
  local headers = ngx.req.get_headers(0)
  for _, name in ipairs(named_by(headers["connection"])) do
    ngx.req.clear_header(name)
  end
  local forwarded = headers["x-forwarded-for"]
  if type(forwarded) == "table" then
    ngx.req.set_header("X-Forwarded-For", joined(forwarded))
  end
  local via = headers["via"]
  ngx.req.set_header("Via", via and (joined(via) .. ", " .. VIA) or VIA)
end

-- Header filter: the instance's answer as the client should see it: headers its Connection names
-- dropped (nginx drops Connection itself, but not what it names), our Via added after the instance's.
function M.response_headers()
  for _, name in ipairs(named_by(ngx.var.upstream_http_connection)) do
    ngx.header[name] = nil
  end
  local via = ngx.header["Via"]
  ngx.header["Via"] = via and (joined(via) .. ", " .. VIA) or VIA
end

-- Access phase: which release serves the request, or the answer when none can.
function M.route(kind)
  M.request_headers()
  local table = now()
  local target = ngx.var.apollo_target
  local chosen
  if kind == "web" then
    local testbed = table.B[target]
    if testbed and wants_testbed(target:match("/([^/]*)$")) then
      chosen = testbed
    else
      chosen = table.W[target]
    end
  else
    chosen = table[kind][target]
  end
  if not chosen then
    return reply(503, NOT_YET)
  end
  if chosen.pool then
    local pool = table.pools[chosen.pool]
    if not pool or #pool.addrs == 0 then
      return reply(503, NOT_YET)
    end
    ngx.var.apollo_pool = chosen.pool
    ngx.ctx.apollo_pool = pool
    return
  end
  return reply(chosen.status, chosen.body)
end

-- The member after position start that is not excluded (the one that just failed).
local function pick(pool, start, excluded)
  local n = #pool.addrs
  for i = 0, n - 1 do
    local member = pool.addrs[(start + i - 1) % n + 1]
    if member ~= excluded then
      return member
    end
  end
  return nil
end

-- Balancer phase: round robin over the members of the release; after a failed attempt, another member once.
function M.balance()
  local ctx = ngx.ctx
  local pool = ctx.apollo_pool
  if not pool then
    return ngx.exit(502)
  end
  local member
  local state = balancer.get_last_failure()
  if state == nil then
    local cursor = (cursors[pool.id] or 0) + 1
    cursors[pool.id] = cursor
    member = pick(pool, cursor, nil)
    if #pool.addrs > 1 then
      balancer.set_more_tries(1)
    end
  else
    -- Another member; the same one when it is alone (nginx also comes back here when a kept-alive
    -- connection turned out closed, and then a new connection to it is the right answer).
    member = pick(pool, (cursors[pool.id] or 0) + 1, ctx.apollo_member) or ctx.apollo_member
  end
  ctx.apollo_member = member
  local ok, err = balancer.set_current_peer(member.host, member.port)
  if not ok then
    ngx.log(ngx.ERR, "apollo: cannot send to ", member.address, ": ", err)
    return ngx.exit(502)
  end
end

-- An error page of the release the request went to (after an internal redirect: only variables are left).
function M.failed(status)
  local pool = now().pools[ngx.var.apollo_pool]
  if not pool then
    return reply(status, NOT_YET)
  end
  return reply(status, status == 504 and pool.timeout or pool.unreachable)
end

-- The control socket: GET answers the digest of the members served, PUT replaces them.
function M.members()
  local method = ngx.req.get_method()
  if method == "PUT" then
    ngx.req.read_body()
    local doc = ngx.req.get_body_data()
    local digest = doc and doc:match("^apollo%-members\t([0-9a-f]+)\n")
    if not digest then
      return reply(400, "expected a members document starting with apollo-members DIGEST")
    end
    local ok, err = members:set("doc", doc)
    if not ok then
      return reply(507, "cannot keep the members: " .. tostring(err))
    end
    members:set("digest", digest)
  elseif method ~= "GET" then
    return reply(405, "GET or PUT")
  end
  return reply(200, members:get("digest") or "")
end

return M
