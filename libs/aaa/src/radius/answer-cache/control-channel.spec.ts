import { packCommands } from './control-channel';

describe('packCommands', () => {
  it('keeps commands in order and packets under the RADIUS size limit', () => {
    const commands = Array.from({ length: 300 }, (_, i) => `start user${i} 02:00:00:00:00:${String(i).padStart(3, '0').slice(-2)}`);
    const packets = packCommands(commands);
    expect(packets.length).toBeGreaterThan(1);
    expect(packets.flat()).toEqual(commands);
    for (const p of packets) expect(p.reduce((n, c) => n + Buffer.byteLength(c) + 2, 0)).toBeLessThanOrEqual(3900);
  });

  it('drops a command that cannot fit one attribute rather than sending it cut', () => {
    expect(packCommands(['evict a', `evict ${'x'.repeat(300)}`, 'evict b'])).toEqual([['evict a', 'evict b']]);
  });

  it('sends nothing for nothing', () => {
    expect(packCommands([])).toEqual([]);
  });
});
