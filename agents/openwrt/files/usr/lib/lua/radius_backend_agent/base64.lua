-- Base64 encoding (RFC 4648) for the WebSocket key and accept values.
local byte, sub, floor = string.byte, string.sub, math.floor
local ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

return function(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = byte(s, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local q = { floor(n / 262144), floor(n / 4096) % 64, floor(n / 64) % 64, n % 64 }
    out[#out + 1] = sub(ALPHABET, q[1] + 1, q[1] + 1) .. sub(ALPHABET, q[2] + 1, q[2] + 1)
      .. (b and sub(ALPHABET, q[3] + 1, q[3] + 1) or '=') .. (c and sub(ALPHABET, q[4] + 1, q[4] + 1) or '=')
  end
  return table.concat(out)
end
