-- SHA-1 (FIPS 180-4) for the one place the agent needs it: checking the
-- server's Sec-WebSocket-Accept (RFC 6455 section 4.2.2). Not a general
-- purpose or security-critical hash here; the connection's security is TLS.
local bits = require('radius_backend_agent.bits')
local band, bxor, bnot, bor, add, rol = bits.band, bits.bxor, bits.bnot, bits.bor, bits.add, bits.rol
local byte, char, floor = string.byte, string.char, math.floor

local function be32(s, i)
  local a, b, c, d = byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

local function to_be32(n)
  return char(floor(n / 16777216) % 256, floor(n / 65536) % 256, floor(n / 256) % 256, n % 256)
end

-- Returns the 20-byte binary digest of `msg`.
return function(msg)
  local len = #msg
  -- Padding: 0x80, zeros to 56 mod 64, then the bit length as a 64-bit big-endian number.
  local bitlen = len * 8
  msg = msg .. '\128' .. string.rep('\0', (55 - len) % 64)
    .. to_be32(floor(bitlen / 4294967296)) .. to_be32(bitlen % 4294967296)
  local h0, h1, h2, h3, h4 = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
  local w = {}
  for block = 1, #msg, 64 do
    for i = 0, 15 do w[i] = be32(msg, block + i * 4) end
    for i = 16, 79 do w[i] = rol(bxor(bxor(w[i - 3], w[i - 8]), bxor(w[i - 14], w[i - 16])), 1) end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for i = 0, 79 do
      local f, k
      if i < 20 then
        f, k = bor(band(b, c), band(bnot(b), d)), 0x5A827999
      elseif i < 40 then
        f, k = bxor(bxor(b, c), d), 0x6ED9EBA1
      elseif i < 60 then
        f, k = bor(bor(band(b, c), band(b, d)), band(c, d)), 0x8F1BBCDC
      else
        f, k = bxor(bxor(b, c), d), 0xCA62C1D6
      end
      a, b, c, d, e = add(rol(a, 5), f, e, k, w[i]), a, rol(b, 30), c, d
    end
    h0, h1, h2, h3, h4 = add(h0, a), add(h1, b), add(h2, c), add(h3, d), add(h4, e)
  end
  return to_be32(h0) .. to_be32(h1) .. to_be32(h2) .. to_be32(h3) .. to_be32(h4)
end
