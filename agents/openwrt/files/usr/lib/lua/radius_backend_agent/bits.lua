-- Bitwise operations on unsigned 32-bit integers for Lua 5.1, which has none.
-- Plain arithmetic on 4-bit nibbles through 16x16 lookup tables, so the agent
-- needs no C module (luabitop, nixio): the only users are WebSocket masking and
-- one SHA-1 per connection, both tiny.
local M = {}

local floor = math.floor
local TWO32 = 4294967296

local XOR, AND = {}, {}
for a = 0, 15 do
  XOR[a], AND[a] = {}, {}
  for b = 0, 15 do
    local x, y, r_xor, r_and, p = a, b, 0, 0, 1
    for _ = 1, 4 do
      local xa, yb = x % 2, y % 2
      if xa ~= yb then r_xor = r_xor + p end
      if xa == 1 and yb == 1 then r_and = r_and + p end
      x, y, p = (x - xa) / 2, (y - yb) / 2, p * 2
    end
    XOR[a][b], AND[a][b] = r_xor, r_and
  end
end

-- Applies a nibble table to two numbers of `nibbles` nibbles each.
local function combine(t, a, b, nibbles)
  local r, p = 0, 1
  for _ = 1, nibbles do
    local na, nb = a % 16, b % 16
    r = r + t[na][nb] * p
    a, b, p = (a - na) / 16, (b - nb) / 16, p * 16
  end
  return r
end

function M.bxor8(a, b) return combine(XOR, a, b, 2) end
function M.bxor(a, b) return combine(XOR, a, b, 8) end
function M.band(a, b) return combine(AND, a, b, 8) end
function M.bnot(a) return TWO32 - 1 - a end
function M.bor(a, b) return M.bxor(M.bxor(a, b), M.band(a, b)) end
function M.add(...)
  local s = 0
  for i = 1, select('#', ...) do s = s + select(i, ...) end
  return s % TWO32
end
-- Rotate left by n (0 < n < 32).
function M.rol(a, n)
  local hi = floor(a / 2 ^ (32 - n))
  return (a * 2 ^ n) % TWO32 + hi
end

return M
