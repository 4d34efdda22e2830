-- A small RFC 6455 WebSocket client on luasocket (ws://) and luasec (wss://).
-- Client side only, text and binary messages, no extensions. Frames we send are
-- masked (section 5.3); frames from the server must not be (section 5.1).
local socket = require('socket')
local bits = require('radius_backend_agent.bits')
local sha1 = require('radius_backend_agent.sha1')
local base64 = require('radius_backend_agent.base64')

local byte, char, sub, floor, concat = string.byte, string.char, string.sub, math.floor, table.concat
local bxor8 = bits.bxor8

local M = {}
-- RFC 6455 section 1.3: appended to the key before hashing.
local GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
-- The server refuses larger frames too (docs/router-protocol.md).
M.MAX_MESSAGE = 64 * 1024
M.OP = { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 }

function M.random_bytes(n)
  local f = assert(io.open('/dev/urandom', 'rb'), 'cannot open /dev/urandom')
  local s = f:read(n)
  f:close()
  assert(s and #s == n, 'short read from /dev/urandom')
  return s
end

-- ws[s]://host[:port][/path][?query] -> { secure, host, port, path, authority }
function M.parse_url(url)
  local scheme, rest = tostring(url):match('^(wss?)://(.+)$')
  if not scheme then return nil, 'the url must start with ws:// or wss://' end
  local authority, path = rest:match('^([^/?#]+)([^#]*)')
  if not authority then return nil, 'the url has no host' end
  if authority:find('@', 1, true) then return nil, 'no credentials in the url: the token goes in the Authorization header' end
  local host, port
  if sub(authority, 1, 1) == '[' then
    host, port = authority:match('^%[([%x:.]+)%](.*)$')
  else
    host, port = authority:match('^([^:]+)(.*)$')
  end
  if not host then return nil, 'the url has a malformed host' end
  if port ~= '' then
    port = tonumber(port:match('^:(%d+)$'))
    if not port or port < 1 or port > 65535 then return nil, 'the url has a malformed port' end
  else
    port = scheme == 'wss' and 443 or 80
  end
  if path == '' then path = '/' elseif sub(path, 1, 1) == '?' then path = '/' .. path end
  return { secure = scheme == 'wss', host = host, port = port, path = path, authority = authority }
end

local function is_ip(host)
  return host:match('^%d+%.%d+%.%d+%.%d+$') ~= nil or host:find(':', 1, true) ~= nil
end

-- RFC 6125: a DNS name matches a certificate name, with a wildcard only as the whole leftmost label.
local function name_matches(pattern, host)
  pattern, host = pattern:lower(), host:lower()
  if pattern == host then return true end
  local rest = pattern:match('^%*(%..+)$')
  if not rest or not rest:find('.', 2, true) then return false end
  local label, tail = host:match('^([^.]+)(%..+)$')
  return label ~= nil and tail == rest
end

-- LuaSec verifies the chain (verify = peer) but not that the certificate names the host.
local function check_hostname(cert, host)
  if not cert then return nil, 'the server sent no certificate' end
  local san = (cert:extensions() or {})['2.5.29.17'] or {}
  if is_ip(host) then
    for _, ip in ipairs(san.iPAddress or {}) do
      if ip:lower() == host:lower() then return true end
    end
    return nil, 'the server certificate does not name ' .. host
  end
  local dns = san.dNSName or {}
  for _, name in ipairs(dns) do
    if name_matches(name, host) then return true end
  end
  if #dns == 0 then -- no DNS names: the common name, as old certificates have it
    for _, entry in ipairs(cert:subject() or {}) do
      if (entry.name == 'commonName' or entry.name == 'CN') and name_matches(entry.value, host) then return true end
    end
  end
  return nil, 'the server certificate does not name ' .. host
end

local Conn = {}
Conn.__index = Conn

local function send_all(sock, data, timeout)
  local deadline, i = socket.gettime() + timeout, 1
  while i <= #data do
    local last, err, partial = sock:send(data, i)
    if last then
      i = last + 1
    elseif err == 'timeout' or err == 'wantwrite' then
      i = (partial or i - 1) + 1
      if socket.gettime() > deadline then return nil, 'send timed out' end
    else
      return nil, err
    end
  end
  return true
end

local function read_headers(sock)
  local status_line, err = sock:receive('*l')
  if not status_line then return nil, 'no HTTP answer: ' .. tostring(err) end
  local status = tonumber(status_line:match('^HTTP/1%.[01] (%d%d%d)'))
  if not status then return nil, 'not an HTTP answer' end
  local headers = {}
  for _ = 1, 100 do
    local line, e = sock:receive('*l')
    if not line then return nil, 'HTTP headers cut short: ' .. tostring(e) end
    if line == '' then return status, headers end
    local name, value = line:match('^([^:]+):%s*(.-)%s*$')
    if name then headers[name:lower()] = value end
  end
  return nil, 'too many HTTP headers'
end

-- Opens the connection and performs the opening handshake (RFC 6455 section 4).
-- opts: token, ca_file, timeout (s), user_agent. Returns conn, or nil, error, http status.
function M.connect(url, opts)
  local u, err = M.parse_url(url)
  if not u then return nil, err end
  local timeout = opts.timeout or 10
  local sock = socket.tcp()
  sock:settimeout(timeout)
  local ok, cerr = sock:connect(u.host, u.port)
  if not ok then
    sock:close()
    return nil, ('cannot connect to %s:%d: %s'):format(u.host, u.port, tostring(cerr))
  end
  if u.secure then
    local ssl = require('ssl')
    local conn, werr = ssl.wrap(sock, {
      mode = 'client',
      protocol = 'any',
      options = { 'all', 'no_sslv2', 'no_sslv3', 'no_tlsv1', 'no_tlsv1_1' },
      verify = { 'peer', 'fail_if_no_peer_cert' },
      cafile = opts.ca_file,
      capath = not opts.ca_file and '/etc/ssl/certs' or nil,
    })
    if not conn then
      sock:close()
      return nil, 'TLS setup failed: ' .. tostring(werr)
    end
    if not is_ip(u.host) then conn:sni(u.host) end
    conn:settimeout(timeout)
    local hok, herr = conn:dohandshake()
    if not hok then
      conn:close()
      return nil, 'TLS handshake with ' .. u.host .. ' failed: ' .. tostring(herr)
    end
    local nok, nerr = check_hostname(conn:getpeercertificate(), u.host)
    if not nok then
      conn:close()
      return nil, nerr
    end
    sock = conn
  end

  local key = base64(M.random_bytes(16))
  local request = concat({
    'GET ' .. u.path .. ' HTTP/1.1',
    'Host: ' .. u.authority,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: ' .. key,
    'Sec-WebSocket-Version: 13',
    'Authorization: Bearer ' .. opts.token,
    'User-Agent: ' .. (opts.user_agent or 'radius-backend-agent'),
    '',
    '',
  }, '\r\n')
  local sok, serr = send_all(sock, request, timeout)
  if not sok then
    sock:close()
    return nil, 'sending the handshake failed: ' .. tostring(serr)
  end
  local status, headers = read_headers(sock)
  if not status then
    sock:close()
    return nil, headers
  end
  if status ~= 101 then
    sock:close()
    local hint = status == 401 and ' (check the router token)' or ''
    return nil, ('server refused the WebSocket: HTTP %d%s'):format(status, hint), status
  end
  -- Section 4.2.2 item 5.4 / 4.1: the accept value proves the server read our key.
  local expected = base64(sha1(key .. GUID))
  local problem
  if (headers['upgrade'] or ''):lower() ~= 'websocket' then
    problem = 'missing Upgrade: websocket'
  elseif not (headers['connection'] or ''):lower():find('upgrade', 1, true) then
    problem = 'missing Connection: Upgrade'
  elseif headers['sec-websocket-accept'] ~= expected then
    problem = 'Sec-WebSocket-Accept does not match the key'
  elseif headers['sec-websocket-extensions'] or headers['sec-websocket-protocol'] then
    problem = 'the server chose an extension or subprotocol nobody asked for'
  end
  if problem then
    sock:close()
    return nil, 'bad WebSocket handshake: ' .. problem
  end
  return setmetatable({ sock = sock, buf = '', open = true }, Conn)
end

-- Reads until the buffer holds n bytes. nil, 'timeout' keeps what arrived for the next call.
function Conn:fill(n)
  while #self.buf < n do
    local data, err, partial = self.sock:receive(n - #self.buf)
    if data then
      self.buf = self.buf .. data
    else
      if partial and #partial > 0 then self.buf = self.buf .. partial end
      if err == 'wantread' then err = 'timeout' end
      return nil, err
    end
  end
  return true
end

function Conn:protocol_error(why, code)
  self:close(code or 1002, '')
  return nil, 'protocol error: ' .. why
end

-- One frame, or nil, 'timeout' when none is complete yet (nothing is lost).
function Conn:read_frame()
  local ok, err = self:fill(2)
  if not ok then return nil, err end
  local b1, b2 = byte(self.buf, 1, 2)
  local fin, opcode = b1 >= 128, b1 % 16
  if floor(b1 / 16) % 8 ~= 0 then return self:protocol_error('reserved bits set without an extension') end
  if b2 >= 128 then return self:protocol_error('the server masked a frame') end
  local len, head = b2 % 128, 2
  if len == 126 then
    ok, err = self:fill(4)
    if not ok then return nil, err end
    local h1, h2 = byte(self.buf, 3, 4)
    len, head = h1 * 256 + h2, 4
  elseif len == 127 then
    ok, err = self:fill(10)
    if not ok then return nil, err end
    len = 0
    for i = 3, 10 do len = len * 256 + byte(self.buf, i) end
    head = 10
  end
  if opcode >= 8 and (not fin or len > 125) then return self:protocol_error('bad control frame') end
  if len > M.MAX_MESSAGE then return self:protocol_error('frame of ' .. len .. ' bytes', 1009) end
  ok, err = self:fill(head + len)
  if not ok then return nil, err end
  local payload = sub(self.buf, head + 1, head + len)
  self.buf = sub(self.buf, head + len + 1)
  return { fin = fin, opcode = opcode, payload = payload }
end

-- The next message: { type = 'text'|'binary', data }, { type = 'ping'|'pong' } (pings are
-- answered here) or { type = 'close', code, reason } (answered and the socket closed).
-- nil, 'timeout' when nothing complete arrived in the socket timeout; nil, error when the connection is gone.
function Conn:receive()
  while true do
    local f, err = self:read_frame()
    if not f then return nil, err end
    local op = f.opcode
    if op == M.OP.ping then
      local ok, serr = self:send_frame(M.OP.pong, f.payload)
      if not ok then return nil, serr end
      return { type = 'ping' }
    elseif op == M.OP.pong then
      return { type = 'pong' }
    elseif op == M.OP.close then
      local code, reason = 1005, ''
      if #f.payload >= 2 then
        code = byte(f.payload, 1) * 256 + byte(f.payload, 2)
        reason = sub(f.payload, 3)
      end
      -- Section 5.5.1: echo the status code, then the server closes TCP; we close our end too.
      self:send_frame(M.OP.close, #f.payload >= 2 and sub(f.payload, 1, 2) or '')
      self:close_socket()
      return { type = 'close', code = code, reason = reason }
    elseif op == M.OP.text or op == M.OP.binary then
      if self.frag then return self:protocol_error('new message inside a fragmented one') end
      if f.fin then return { type = op == M.OP.text and 'text' or 'binary', data = f.payload } end
      self.frag = { op = op, parts = { f.payload }, size = #f.payload }
    elseif op == M.OP.continuation then
      local frag = self.frag
      if not frag then return self:protocol_error('continuation without a message') end
      frag.size = frag.size + #f.payload
      if frag.size > M.MAX_MESSAGE then return self:protocol_error('message too big', 1009) end
      frag.parts[#frag.parts + 1] = f.payload
      if f.fin then
        self.frag = nil
        return { type = frag.op == M.OP.text and 'text' or 'binary', data = concat(frag.parts) }
      end
    else
      return self:protocol_error('unknown opcode ' .. op)
    end
  end
end

-- Section 5.3: every client frame is masked with a fresh random key.
local function mask(payload, key)
  local k = { byte(key, 1, 4) }
  local out = {}
  for i = 1, #payload, 4096 do
    local chunk = { byte(payload, i, math.min(i + 4095, #payload)) }
    for j = 1, #chunk do
      chunk[j] = bxor8(chunk[j], k[(i + j - 2) % 4 + 1])
    end
    out[#out + 1] = char(unpack(chunk))
  end
  return concat(out)
end

function Conn:send_frame(opcode, payload)
  if not self.open then return nil, 'closed' end
  local len = #payload
  local head
  if len < 126 then
    head = char(128 + opcode, 128 + len)
  elseif len < 65536 then
    head = char(128 + opcode, 128 + 126, floor(len / 256), len % 256)
  else
    local b = {}
    for i = 8, 1, -1 do
      b[i] = len % 256
      len = floor(len / 256)
    end
    head = char(128 + opcode, 128 + 127, unpack(b))
  end
  local key = M.random_bytes(4)
  local ok, err = send_all(self.sock, head .. key .. mask(payload, key), 10)
  if not ok then self:close_socket() end
  return ok, err
end

function Conn:send_text(text)
  return self:send_frame(M.OP.text, text)
end

function Conn:settimeout(t)
  self.sock:settimeout(t)
end

function Conn:close_socket()
  if self.open then
    self.open = false
    self.sock:close()
  end
end

-- Sends a close frame (best effort) and drops the connection.
function Conn:close(code, reason)
  if self.open then
    code = code or 1000
    pcall(self.send_frame, self, M.OP.close, char(floor(code / 256), code % 256) .. (reason or ''))
  end
  self:close_socket()
end

return M
