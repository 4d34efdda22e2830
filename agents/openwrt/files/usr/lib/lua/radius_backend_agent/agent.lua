-- The router side of the backend's router channel (docs/router-protocol.md): one
-- WebSocket to GET /routers/ws, `hello` after each connect, `client_remove`
-- turned into `ubus call uspot client_remove`, reconnects with backoff.
-- Behaves as the reference agent libs/router-rpc/src/agent/router-agent.ts.
local socket = require('socket')
local cjson = require('cjson')
local ws = require('radius_backend_agent.ws')
local rpc = require('radius_backend_agent.rpc')
local ubus = require('radius_backend_agent.ubus')

local M = {}
M.VERSION = '1.0.0'

-- Close codes after which reconnecting at once only earns the same answer: another agent holds
-- our token (4000 replaced), the token was rotated (4001) or the router deleted (4004).
local GIVE_WAY = { [4000] = true, [4001] = true, [4004] = true }

-- client_list answers {"<uspot>": [macs]} (or an object keyed by MAC in some builds).
local function find_mac(list, section, address)
  local entries = type(list) == 'table' and list[section]
  if type(entries) ~= 'table' then return nil end
  local want = address:lower()
  local candidates = {}
  if #entries > 0 then
    candidates = entries
  else
    for mac in pairs(entries) do candidates[#candidates + 1] = mac end
  end
  for _, mac in ipairs(candidates) do
    if type(mac) == 'string' and mac:lower() == want then return mac end
  end
  return nil
end

-- uspot 2024 stores client MACs upper-case, 2025+ as given, and client_remove matches the stored
-- key exactly: ask client_list for the stored spelling first; if that fails, use the one we got
-- (client_remove answers OK for an unknown client anyway).
local function client_remove(opts, section, address)
  local stored = address
  local list, lerr = ubus.call('client_list', ubus.object({ { 'uspot', section } }), opts.dry_run, opts.log)
  if list then
    stored = find_mac(list, section, address) or address
  else
    opts.log(('client_list failed, using %s as given: %s'):format(address, tostring(lerr)))
  end
  return ubus.call('client_remove', ubus.object({ { 'uspot', section }, { 'address', stored } }), opts.dry_run, opts.log)
end

local function serves(opts, section)
  if not opts.sections or #opts.sections == 0 then return true end
  for _, s in ipairs(opts.sections) do
    if s == section then return true end
  end
  return false
end

-- Handles one inbound text frame; returns the reply to send, if any.
local function handle(opts, text)
  local kind, msg = rpc.classify(text)
  if kind == 'invalid' then return msg end
  if kind ~= 'request' then return nil end -- responses, notifications: nothing to do
  if msg.method ~= 'client_remove' then
    return rpc.error_reply(msg.id, rpc.METHOD_NOT_FOUND, 'Method not found: ' .. msg.method)
  end
  local p = msg.params or {}
  if type(p.uspot) ~= 'string' or type(p.address) ~= 'string' then
    return rpc.error_reply(msg.id, rpc.INVALID_PARAMS, 'Invalid params: uspot and address must be strings')
  end
  if not serves(opts, p.uspot) then
    return rpc.error_reply(msg.id, rpc.INVALID_PARAMS,
      ('Invalid params: this agent serves uspot section %s, not %s'):format(table.concat(opts.sections, ', '), p.uspot))
  end
  local result, err = client_remove(opts, p.uspot, p.address)
  if not result then return rpc.error_reply(msg.id, rpc.UBUS_FAILED, 'ubus call failed: ' .. tostring(err)) end
  return rpc.result_reply(msg.id, result)
end

-- One connected session; returns the close code that ended it.
local function serve(opts, conn)
  conn:send_text(rpc.encode({ jsonrpc = '2.0', method = 'hello', params = { version = M.VERSION } }))
  -- Short socket timeout: the loop wakes up to notice a dead path.
  conn:settimeout(1)
  local last = socket.gettime()
  while true do
    local msg, err = conn:receive()
    local now = socket.gettime()
    if msg then
      last = now
      if msg.type == 'close' then
        opts.log(('server closed the connection (%d%s)'):format(msg.code, msg.reason ~= '' and ' ' .. msg.reason or ''))
        return msg.code
      elseif msg.type == 'text' then
        local reply = handle(opts, msg.data)
        if reply then conn:send_text(rpc.encode(reply)) end
      elseif msg.type == 'binary' then
        conn:send_text(rpc.encode(rpc.error_reply(nil, rpc.INVALID_REQUEST, 'Invalid Request: use text frames')))
      end
    elseif err == 'timeout' then
      -- The server pings every 15 s; silence for dead_after means NAT or the path dropped us.
      if now - last > opts.dead_after then
        opts.log(('no ping from the server for %d s, reconnecting'):format(opts.dead_after))
        conn:close_socket()
        return 1006
      end
    else
      opts.log('connection lost: ' .. tostring(err))
      conn:close_socket()
      return 1006
    end
  end
end

-- Exponential backoff with +/-25 % jitter, so a fleet does not reconnect in step after a restart.
local function backoff(opts, attempt)
  local delay = math.min(opts.max_backoff, opts.min_backoff * 2 ^ math.min(attempt, 30))
  return delay * (0.75 + math.random() * 0.5)
end

local function seed()
  local b = { ws.random_bytes(4):byte(1, 4) }
  math.randomseed(((b[1] * 256 + b[2]) * 256 + b[3]) * 256 + b[4])
end

-- opts: url, token, sections, ca_file, min_backoff, max_backoff, dead_after (s), dry_run, log.
function M.run(opts)
  seed()
  local attempt = 0
  while true do
    local conn, err = ws.connect(opts.url, {
      token = opts.token,
      ca_file = opts.ca_file,
      timeout = 10,
      user_agent = 'radius-backend-agent/' .. M.VERSION,
    })
    local code
    if conn then
      attempt = 0
      opts.log('connected to ' .. opts.url)
      code = serve(opts, conn)
    else
      opts.log(err)
    end
    if code and GIVE_WAY[code] then attempt = math.max(attempt, 30) end
    local delay = backoff(opts, attempt)
    attempt = attempt + 1
    opts.log(('reconnecting in %.1f s'):format(delay))
    socket.sleep(delay)
  end
end

M.find_mac = find_mac
M.handle = handle

return M
