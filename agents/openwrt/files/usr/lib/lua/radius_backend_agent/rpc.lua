-- JSON-RPC 2.0 framing of the router channel, as the server's own
-- libs/router-rpc/src/protocol/json-rpc.ts classifies frames (docs/router-protocol.md).
local cjson = require('cjson')

local M = {}
M.PARSE, M.INVALID_REQUEST, M.METHOD_NOT_FOUND, M.INVALID_PARAMS = -32700, -32600, -32601, -32602
-- JSON-RPC "server error" range: the ubus call itself failed.
M.UBUS_FAILED = -32000

local function is_id(v)
  return type(v) == 'string' or (type(v) == 'number' and v == v and v ~= math.huge and v ~= -math.huge)
end

function M.error_reply(id, code, message)
  return { jsonrpc = '2.0', id = id == nil and cjson.null or id, error = { code = code, message = message } }
end

function M.result_reply(id, result)
  return { jsonrpc = '2.0', id = id, result = result }
end

-- Classifies one text frame: 'request', 'notification', 'response', or 'invalid' with the reply
-- to send. Never raises: a bad frame only ever earns an error reply.
function M.classify(text)
  local ok, value = pcall(cjson.decode, text)
  if not ok then return 'invalid', M.error_reply(nil, M.PARSE, 'Parse error') end
  -- cjson decodes [] and {} alike: the first character tells a batch from an object.
  local first = text:match('^%s*(.)')
  if first == '[' then return 'invalid', M.error_reply(nil, M.INVALID_REQUEST, 'Invalid Request: batches are not supported') end
  if type(value) ~= 'table' then return 'invalid', M.error_reply(nil, M.INVALID_REQUEST, 'Invalid Request: not an object') end
  local id = is_id(value.id) and value.id or nil
  if value.jsonrpc ~= '2.0' then
    return 'invalid', M.error_reply(id, M.INVALID_REQUEST, 'Invalid Request: jsonrpc must be "2.0"')
  end
  if value.id ~= nil and value.id ~= cjson.null and not id then
    return 'invalid', M.error_reply(nil, M.INVALID_REQUEST, 'Invalid Request: id must be a string or number')
  end
  if type(value.method) == 'string' then
    if value.params ~= nil and type(value.params) ~= 'table' then
      return 'invalid', M.error_reply(id, M.INVALID_REQUEST, 'Invalid Request: params must be an object or array')
    end
    return id ~= nil and 'request' or 'notification', value
  end
  local has_result, has_error = value.result ~= nil, value.error ~= nil
  local err = value.error
  local valid_error = type(err) == 'table' and type(err.code) == 'number' and type(err.message) == 'string'
  if id ~= nil and has_result ~= has_error and (has_result or valid_error) then return 'response', value end
  return 'invalid', M.error_reply(id, M.INVALID_REQUEST, 'Invalid Request: neither a call nor a response')
end

function M.encode(msg)
  return cjson.encode(msg)
end

return M
