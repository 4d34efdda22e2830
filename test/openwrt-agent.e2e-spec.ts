import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, connect as netConnect, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { RouterChannelRegistry, RouterRpcOptions } from '@app/router-rpc';
import { AGENT_FILES, FakeUbus, LuaAgent, requireLua, startLuaAgent } from './support/openwrt-agent';
import { createRouter, insertSession, routerOnline, sessionRow, waitFor, wsUrl } from './support/rpc-helpers';
import { startTestApp, TestApp } from './support/test-app';

const ENV = { RPC_TIMEOUT_MS: '3000' };

/**
 * The shipped OpenWrt agent (agents/openwrt, Lua 5.1 + luasocket + luasec + lua-cjson), run
 * under Debian's packages of the same libraries against the real app, with a fake `ubus` on
 * PATH that records what the agent asks uspot to do.
 */
describe('OpenWrt agent (Lua 5.1) against the real app', () => {
  beforeAll(() => requireLua());

  describe('on a running backend', () => {
    let t: TestApp;
    const agents: LuaAgent[] = [];
    const start = (opts: Parameters<typeof startLuaAgent>[0]) => {
      const a = startLuaAgent(opts);
      agents.push(a);
      return a;
    };
    beforeAll(async () => {
      t = await startTestApp(ENV);
    });
    afterEach(async () => {
      for (const a of agents.splice(0)) await a.stop();
    });
    afterAll(() => t.close());

    const channelOf = (id: string) => t.app.get(RouterChannelRegistry).get(id);

    it('connects with the router token, says hello, and shows the router online', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const agent = start({ url: wsUrl(t), token: r.token, ubus: new FakeUbus() });
      await waitFor(() => routerOnline(t, r.id), 10_000, `online\n${agent.output()}`);
      await waitFor(() => channelOf(r.id)?.agentVersion, 5000, 'hello');
      expect(channelOf(r.id)!.agentVersion).toBe('1.0.0');
      expect(agent.output()).toContain(`connected to ${wsUrl(t)}`);
      expect(agent.output()).not.toContain(r.token);
    });

    it("answers the server's pings: the same socket survives many heartbeats", async () => {
      const options = t.app.get(RouterRpcOptions);
      const saved = options.heartbeatMs;
      options.heartbeatMs = 100; // a socket that misses one pong is terminated
      try {
        const r = await createRouter(t, { vendor: 'uspot' });
        start({ url: wsUrl(t), token: r.token, ubus: new FakeUbus() });
        const channel = (await waitFor(() => channelOf(r.id), 10_000, 'connected'))!;
        let pongs = 0;
        channel.socket.on('pong', () => pongs++);
        await waitFor(() => pongs >= 10, 10_000, 'ten pongs');
        expect(channelOf(r.id)).toBe(channel);
      } finally {
        options.heartbeatMs = saved;
      }
    });

    it('turns a disconnect from the admin API into ubus call uspot client_remove', async () => {
      const r = await createRouter(t, { vendor: 'uspot', uspotSection: 'hotel' });
      const ubus = new FakeUbus();
      ubus.set({ clients: ['AA:BB:CC:DD:EE:01'] }); // uspot 2024 keeps MACs upper-case
      start({ url: wsUrl(t), token: r.token, ubus, args: ['--section', 'hotel'] });
      await waitFor(() => channelOf(r.id), 10_000, 'connected');
      const id = await insertSession(t, r.id, { mac: 'aa-bb-cc-dd-ee-01' });
      const res = await t.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
      expect(res.body).toMatchObject({ method: 'websocket', outcome: 'ack' });
      expect(ubus.calls()).toEqual([
        ['-t', '10', 'call', 'uspot', 'client_list', '{"uspot":"hotel"}'],
        ['-t', '10', 'call', 'uspot', 'client_remove', '{"uspot":"hotel","address":"AA:BB:CC:DD:EE:01"}'],
      ]);
      expect(await sessionRow(t, id)).toMatchObject({ terminate_cause: 'Admin-Reset' });
    });

    it('removes the address as sent when client_list fails', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const ubus = new FakeUbus();
      ubus.set({ fail: { client_list: 'Invalid argument' } });
      const agent = start({ url: wsUrl(t), token: r.token, ubus });
      await waitFor(() => channelOf(r.id), 10_000, 'connected');
      const id = await insertSession(t, r.id, { mac: '02:00:00:00:00:0b' });
      await t.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
      expect(ubus.calls().at(-1)).toEqual([
        '-t',
        '10',
        'call',
        'uspot',
        'client_remove',
        '{"uspot":"captive","address":"02:00:00:00:00:0b"}',
      ]);
      expect(agent.output()).toContain('client_list failed, using 02:00:00:00:00:0b as given: Command failed: Invalid argument');
    });

    it("reports ubus's failure as a JSON-RPC error: 502, the session stays open", async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const ubus = new FakeUbus();
      ubus.set({ fail: { client_remove: 'Not found' } });
      start({ url: wsUrl(t), token: r.token, ubus });
      await waitFor(() => channelOf(r.id), 10_000, 'connected');
      const id = await insertSession(t, r.id);
      const res = await t.admin().post(`/api/sessions/${id}/disconnect`);
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/client_remove: ubus call failed: Command failed: Not found \(code -32000\)/);
      expect((await sessionRow(t, id)).stopped_at).toBeNull();
    });

    it('refuses a uspot section it was not configured for, without calling ubus', async () => {
      const r = await createRouter(t, { vendor: 'uspot', uspotSection: 'lobby' });
      const ubus = new FakeUbus();
      start({ url: wsUrl(t), token: r.token, ubus, args: ['--section', 'captive'] });
      await waitFor(() => channelOf(r.id), 10_000, 'connected');
      const id = await insertSession(t, r.id);
      const res = await t.admin().post(`/api/sessions/${id}/disconnect`);
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/serves uspot section captive, not lobby/);
      expect(ubus.calls()).toEqual([]);
    });

    it('is refused with a wrong token and says to check it, without logging the token', async () => {
      const agent = start({ url: wsUrl(t), token: 'not-a-router-token', ubus: new FakeUbus() });
      await waitFor(() => agent.output().includes('HTTP 401 (check the router token)'), 10_000, `401\n${agent.output()}`);
      expect(agent.output()).not.toContain('not-a-router-token');
    });

    it('gives way when its token is rotated: closed with 4001, then 401s with backoff', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const agent = start({ url: wsUrl(t), token: r.token, ubus: new FakeUbus() });
      await waitFor(() => channelOf(r.id), 10_000, 'connected');
      await t.admin().post(`/api/routers/${r.id}/token`).expect(201);
      await waitFor(() => agent.output().includes('server closed the connection (4001 token revoked)'), 10_000, agent.output());
      await waitFor(() => agent.output().includes('HTTP 401'), 10_000, agent.output());
    });
  });

  describe('across a backend restart', () => {
    it('reconnects by itself and serves disconnects again', async () => {
      const first = await startTestApp(ENV);
      const port = new URL(first.url).port;
      let second: TestApp | undefined;
      const r = await createRouter(first, { vendor: 'uspot' });
      const ubus = new FakeUbus();
      const agent = startLuaAgent({ url: wsUrl(first), token: r.token, ubus });
      try {
        await waitFor(() => routerOnline(first, r.id), 10_000, 'online');
        await first.close();
        await waitFor(() => agent.output().includes('connection lost') || agent.output().includes('server closed'), 10_000, agent.output());
        second = await startTestApp({ ...ENV, PORT: port }, first.databaseUrl);
        const t2 = second;
        await waitFor(() => t2.app.get(RouterChannelRegistry).get(r.id), 15_000, `reconnected\n${agent.output()}`);
        const id = await insertSession(t2, r.id, { mac: '02:00:00:00:00:0c' });
        await t2.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
        expect(ubus.calls().at(-1)).toEqual([
          '-t',
          '10',
          'call',
          'uspot',
          'client_remove',
          '{"uspot":"captive","address":"02:00:00:00:00:0c"}',
        ]);
      } finally {
        await agent.stop();
        await second?.close();
      }
    });
  });

  describe('over wss:// through a TLS front', () => {
    let t: TestApp;
    let dir: string;
    const fronts: TlsServer[] = [];
    /** A TLS-terminating proxy (as nginx or HAProxy would be) in front of the app, with its own certificate. */
    async function tlsFront(san: string): Promise<{ url: string; ca: string; received: () => number }> {
      const key = join(dir, `${san.replace(/\W/g, '_')}.key`);
      const cert = join(dir, `${san.replace(/\W/g, '_')}.pem`);
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=test front', '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert,
      ], { stdio: 'pipe' }); // prettier-ignore
      const appPort = Number(new URL(t.url).port);
      let received = 0;
      const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => {
        s.on('data', (d: Buffer) => (received += d.length));
        const up = netConnect(appPort, '127.0.0.1');
        s.pipe(up).pipe(s);
        s.on('error', () => up.destroy());
        up.on('error', () => s.destroy());
      });
      fronts.push(server);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return { url: `wss://127.0.0.1:${(server.address() as { port: number }).port}/routers/ws`, ca: cert, received: () => received };
    }
    beforeAll(async () => {
      t = await startTestApp(ENV);
      dir = mkdtempSync(join(tmpdir(), 'agent-tls-'));
    });
    afterAll(async () => {
      for (const f of fronts) f.close();
      await t.close();
    });

    it('connects when the certificate names the host and chains to the configured CA', async () => {
      const front = await tlsFront('IP:127.0.0.1');
      const options = t.app.get(RouterRpcOptions);
      const saved = options.heartbeatMs;
      // Pings further apart than the agent's 1 s read timeout: idle reads over TLS must resume cleanly.
      options.heartbeatMs = 1500;
      const r = await createRouter(t, { vendor: 'uspot' });
      const ubus = new FakeUbus();
      const agent = startLuaAgent({ url: front.url, token: r.token, ubus, args: ['--ca-file', front.ca] });
      try {
        await waitFor(() => routerOnline(t, r.id), 15_000, `online over TLS\n${agent.output()}`);
        const channel = t.app.get(RouterChannelRegistry).get(r.id)!;
        let pongs = 0;
        channel.socket.on('pong', () => pongs++);
        await waitFor(() => pongs >= 2, 15_000, 'two pongs over TLS');
        const id = await insertSession(t, r.id, { mac: '02:00:00:00:00:0e' });
        await t.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
        expect(ubus.calls().at(-1)).toEqual([
          '-t',
          '10',
          'call',
          'uspot',
          'client_remove',
          '{"uspot":"captive","address":"02:00:00:00:00:0e"}',
        ]);
        expect(t.app.get(RouterChannelRegistry).get(r.id)).toBe(channel);
      } finally {
        options.heartbeatMs = saved;
        await agent.stop();
      }
    });

    it('refuses a certificate that does not name the host, and never sends the token', async () => {
      const front = await tlsFront('DNS:other.example');
      const r = await createRouter(t, { vendor: 'uspot' });
      const agent = startLuaAgent({ url: front.url, token: r.token, ubus: new FakeUbus(), args: ['--ca-file', front.ca] });
      try {
        await waitFor(() => agent.output().includes('certificate does not name 127.0.0.1'), 15_000, agent.output());
        expect(await routerOnline(t, r.id)).toBe(false);
        expect(front.received()).toBe(0); // not a byte of HTTP, so no token, went through the tunnel
      } finally {
        await agent.stop();
      }
    });
  });

  describe('protocol edge cases against a bare WebSocket server', () => {
    let wss: WebSocketServer;
    let url: string;
    const sockets: { ws: WebSocket; frames: unknown[] }[] = [];
    const headers: Record<string, string | undefined>[] = [];
    beforeAll(async () => {
      wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await new Promise((done) => wss.once('listening', done));
      url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/routers/ws`;
      wss.on('connection', (ws, req) => {
        headers.push({ authorization: req.headers.authorization, path: req.url });
        const frames: unknown[] = [];
        ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
        sockets.push({ ws, frames });
      });
    });
    afterAll(() => new Promise((done) => wss.close(done)));

    async function connected(agent: LuaAgent) {
      const before = sockets.length;
      await waitFor(() => sockets.length > before, 10_000, `connection\n${agent.output()}`);
      return sockets.at(-1)!;
    }

    it('answers every malformed frame with the JSON-RPC error the server would send, and stays connected', async () => {
      const agent = startLuaAgent({ url, token: 'tok-123', ubus: new FakeUbus() });
      try {
        const { ws, frames } = await connected(agent);
        expect(headers.at(-1)).toEqual({ authorization: 'Bearer tok-123', path: '/routers/ws' });
        await waitFor(() => frames.length >= 1, 5000, 'hello');
        expect(frames[0]).toEqual({ jsonrpc: '2.0', method: 'hello', params: { version: '1.0.0' } });
        const cases: [string | Buffer, number, string | number | null][] = [
          ['not json {', -32700, null],
          ['[]', -32600, null],
          ['42', -32600, null],
          ['{"jsonrpc":"1.0","id":5,"method":"x"}', -32600, 5],
          ['{"jsonrpc":"2.0","id":6,"method":"x","params":"str"}', -32600, 6],
          ['{"jsonrpc":"2.0","id":7,"method":"reboot"}', -32601, 7],
          ['{"jsonrpc":"2.0","id":"s8","method":"client_remove","params":{"uspot":1,"address":"x"}}', -32602, 's8'],
          [Buffer.from([1, 2, 3]), -32600, null],
        ];
        for (const [frame, code, id] of cases) {
          const before = frames.length;
          ws.send(frame);
          await waitFor(() => frames.length > before, 5000, `reply to ${String(frame)}`);
          expect(frames[before]).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
        }
        // Notifications and responses get no reply; a message in fragments is reassembled.
        ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'whatever' }));
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: 99, result: {} }));
        const call = JSON.stringify({
          jsonrpc: '2.0',
          id: 'last',
          method: 'client_remove',
          params: { uspot: 'captive', address: '02:00:00:00:00:0d' },
        });
        ws.send(call.slice(0, 20), { fin: false });
        ws.send(call.slice(20), { fin: true });
        await waitFor(() => frames.length > cases.length + 1, 5000, 'reply to the fragmented call');
        expect(frames.at(-1)).toEqual({ jsonrpc: '2.0', id: 'last', result: {} });
        expect(ws.readyState).toBe(WebSocket.OPEN);
      } finally {
        await agent.stop();
      }
    });

    it('closes with 1009 on a frame larger than 64 KiB', async () => {
      const agent = startLuaAgent({ url, token: 'tok-123', ubus: new FakeUbus() });
      try {
        const { ws } = await connected(agent);
        const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
        ws.send('x'.repeat(70 * 1024));
        expect(await closed).toBe(1009);
      } finally {
        await agent.stop();
      }
    });

    it('reconnects when the server goes quiet for longer than --dead-after', async () => {
      const agent = startLuaAgent({ url, token: 'tok-123', ubus: new FakeUbus(), args: ['--dead-after', '1'] });
      try {
        await connected(agent); // this server never pings
        await waitFor(() => agent.output().includes('no ping from the server for 1 s, reconnecting'), 10_000, agent.output());
        await connected(agent);
      } finally {
        await agent.stop();
      }
    });
  });

  describe('procd init script with the shipped UCI file', () => {
    /**
     * OpenWrt's /lib/functions.sh keeps a loaded config in CONFIG_<section>_<option> variables
     * (lists as _ITEM<n> and _LENGTH) and procd.sh collects procd_* calls; both are stubbed with
     * those semantics, so the shipped script runs unchanged under sh.
     */
    function runInit(edit: (uci: string) => string): { out: string; mode: number } {
      const root = mkdtempSync(join(tmpdir(), 'agent-init-'));
      mkdirSync(join(root, 'etc/config'), { recursive: true });
      const file = join(root, 'etc/config/radius-backend-agent');
      writeFileSync(file, edit(readFileSync(join(AGENT_FILES, 'etc/config/radius-backend-agent'), 'utf8')), { mode: 0o644 });
      const vars: string[] = [];
      let section = '';
      const counts: Record<string, number> = {};
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = /^\s*(config|option|list)\s+(\w+)\s+'([^']*)'/.exec(line);
        if (!m) continue;
        const [, kind, key, value] = m;
        const q = `'${value.replace(/'/g, `'\\''`)}'`;
        if (kind === 'config') section = value;
        else if (kind === 'option') vars.push(`CONFIG_${section}_${key}=${q}`);
        else {
          const n = (counts[`${section}_${key}`] = (counts[`${section}_${key}`] ?? 0) + 1);
          vars.push(`CONFIG_${section}_${key}_ITEM${n}=${q}`, `CONFIG_${section}_${key}_LENGTH=${n}`);
        }
      }
      const stubs = `
config_load() { [ "$1" = radius-backend-agent ] || { echo "config_load $1" >&2; exit 9; }; ${vars.join('; ') || ':'}; }
config_get() { eval "$1=\\"\\\${CONFIG_$2_$3:-$4}\\""; }
config_get_bool() { local v; config_get v "$2" "$3" "$4"; case "$v" in 1|on|true|yes|enabled) eval "$1=1";; *) eval "$1=0";; esac; }
config_list_foreach() { local i=1 n v; eval "n=\\\${CONFIG_$1_$2_LENGTH:-0}"; while [ $i -le $n ]; do eval "v=\\"\\\${CONFIG_$1_$2_ITEM$i}\\""; $3 "$v"; i=$((i+1)); done; }
procd_open_instance() { echo open; }
procd_set_param() { local k=$1; shift; printf 'set %s' "$k"; printf ' [%s]' "$@"; echo; }
procd_append_param() { local k=$1; shift; printf 'append %s' "$k"; printf ' [%s]' "$@"; echo; }
procd_close_instance() { echo close; }
`;
      const out = execFileSync('sh', ['-c', `${stubs}\n. "$INIT"\nstart_service; echo "exit $?"`], {
        env: { PATH: process.env.PATH, IPKG_INSTROOT: root, INIT: join(AGENT_FILES, 'etc/init.d/radius-backend-agent') },
      }).toString();
      return { out, mode: statSync(file).mode & 0o777 };
    }

    it('starts nothing while disabled (the shipped default)', () => {
      expect(runInit((u) => u).out).toBe('exit 0\n');
    });

    it('starts the agent with url, sections and CA file, the token only in its environment, the file made 0600', () => {
      const { out, mode } = runInit((u) =>
        u.replace("option enabled '0'", "option enabled '1'").replace("option token ''", "option token 'tok-abc'"),
      );
      expect(out.split('\n')).toEqual([
        'open',
        'set command [/usr/sbin/radius-backend-agent] [--url] [wss://backend.example.org/routers/ws]',
        'append command [--section] [captive]',
        'append command [--ca-file] [/etc/ssl/certs/ca-certificates.crt]',
        'set env [ROUTER_TOKEN=tok-abc]',
        'set respawn [3600] [5] [0]',
        'set stdout [1]',
        'set stderr [1]',
        'close',
        'exit 0',
        '',
      ]);
      expect(mode).toBe(0o600);
    });

    it('refuses to start without a token', () => {
      expect(runInit((u) => u.replace("option enabled '0'", "option enabled '1'")).out).toBe('exit 1\n');
    });
  });

  describe('the opening handshake (RFC 6455 §4)', () => {
    let server: NetServer;
    let accept: (key: string) => string;
    beforeAll(async () => {
      server = createNetServer((s: Socket) => {
        let head = '';
        s.on('data', (d) => {
          head += d.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          const key = /sec-websocket-key: (\S+)/i.exec(head)?.[1] ?? '';
          s.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
          );
        });
        s.on('error', () => undefined);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    });
    afterAll(() => new Promise((done) => server.close(done)));

    it('refuses a server whose Sec-WebSocket-Accept does not prove it read the key', async () => {
      accept = () => createHash('sha1').update('some other key258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      const port = (server.address() as { port: number }).port;
      const agent = startLuaAgent({ url: `ws://127.0.0.1:${port}/routers/ws`, token: 'tok', ubus: new FakeUbus() });
      try {
        await waitFor(() => agent.output().includes('Sec-WebSocket-Accept does not match the key'), 10_000, agent.output());
        expect(agent.output()).not.toContain('connected to');
      } finally {
        await agent.stop();
      }
    });

    it('computes the accept value as RFC 6455 does (the spec example, through its own SHA-1 and Base64)', () => {
      const out = execFileSync(
        'lua5.1',
        [
          '-e',
          "local s=require('radius_backend_agent.sha1'); local b=require('radius_backend_agent.base64'); io.write(b(s('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11')))",
        ],
        { env: { ...process.env, LUA_PATH: `${join(AGENT_FILES, 'usr/lib/lua')}/?.lua;;` } },
      ).toString();
      expect(out).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    });
  });
});
