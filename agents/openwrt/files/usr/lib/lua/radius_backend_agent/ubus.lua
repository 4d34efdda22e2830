-- `ubus call uspot <method> <json>` through the shell. The method is always one
-- of ours and the JSON is built here with every value encoded; the JSON goes in
-- single quotes, so nothing the server sends reaches the shell unquoted.
local cjson = require('cjson')

local M = {}
-- ubus's own -t: seconds before it gives up on uspot (the Node agent waits 10 s too).
M.TIMEOUT = 10

local function shell_quote(s)
  return "'" .. (s:gsub("'", "'\\''")) .. "'"
end

-- JSON object with keys in the given order: {"uspot":…,"address":…} as the Node agent sends it.
function M.object(pairs_list)
  local parts = {}
  for _, kv in ipairs(pairs_list) do
    parts[#parts + 1] = cjson.encode(kv[1]) .. ':' .. cjson.encode(kv[2])
  end
  return '{' .. table.concat(parts, ',') .. '}'
end

-- Returns the parsed output ({} when ubus prints nothing), or nil and ubus's message.
function M.call(method, json, dry_run, log)
  if dry_run then
    log(("dry-run: ubus call uspot %s '%s'"):format(method, json))
    return {}
  end
  local cmd = ('ubus -t %d call uspot %s %s 2>&1; echo "__ubus_exit=$?"'):format(M.TIMEOUT, method, shell_quote(json))
  local p = io.popen(cmd, 'r')
  if not p then return nil, 'cannot run ubus' end
  local out = p:read('*a') or ''
  p:close()
  local body, rc = out:match('^(.-)\n?__ubus_exit=(%d+)%s*$')
  if not rc then return nil, 'cannot run ubus' end
  body = body:gsub('%s+$', '')
  if rc ~= '0' then return nil, body ~= '' and body or ('ubus exited with ' .. rc) end
  if body == '' then return {} end
  local ok, value = pcall(cjson.decode, body)
  if not ok then return nil, 'ubus printed non-JSON output: ' .. body:sub(1, 200) end
  return value
end

return M
