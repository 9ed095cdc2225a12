// SPDX-License-Identifier: GPL-3.0-or-later
// tests/interop's node.js UE: SIP from the npm sip package (over UDP), TLS from node's tls module, MSRP
// (RFC 4975) written by hand on the socket. One process plays one party of one call, per --role:
//   orig         registers with `Security-Client: msrp-tls;mediasec` (TS 24.229), offers e2ae MSRP
//                (TCP/TLS/MSRP, its certificate's a=fingerprint, a=3ge2ae:requested), takes the TLS
//                connection the answer's a=setup says, checks the gateway's certificate against the
//                answer's a=fingerprint, sends one MSRP SEND, awaits its 200, hangs up
//   term         registers the same way, answers the gateway's TLS offer with its own fingerprint and
//                a=setup (--setup active: connects at once; passive: listens, then answers, or with
//                --late-listen MS answers first and listens MS later), checks the gateway's certificate
//                against the offer's fingerprint, answers the SEND
//   core-answer  the far end of orig: answers plain TCP/MSRP a=setup:active, connects to the gateway's core
//                leg, answers the SEND, takes the BYE
//   core-offer   the far end of term: offers plain TCP/MSRP a=setup:actpass to the UE's AOR, takes the
//                gateway's connection, sends the SEND, awaits its 200, hangs up
// Every byte written on the media connection goes to OUT.sent, every byte read to OUT.recv, so the
// script can compare both ends exactly. The fingerprint verdict is one line on stdout:
//   "fingerprint: ... matches ..." or "fingerprint: ... mismatch ...: rejected" (exit 2).
// Options: --sip ADDR:PORT (own, UDP), --proxy ADDR:PORT (REGISTER and INVITE go there), --media ADDR:PORT,
// --cert/--key PEM, --keylog FILE (NSS key log), --fp-case upper|lower, --fp-cert PEM (advertise that
// certificate's fingerprint instead), --setup actpass|active|passive|none, --late-listen MS, --text TEXT,
// --out PREFIX, --user NAME, --peer NAME, --timeout MS, --clear TEXT (orig with --setup active or none,
// so that it connects: once its SEND was answered, it writes TEXT on the TCP connection outside any TLS
// record, then reports the gateway's answer: the alert node's TLS read, "TLS alert: CODE", and how the
// connection ended, "connection: FIN" or "connection: reset", and hangs up), --media-loss report (an
// error on the media connection, or its end before the MSRP exchange, is reported, "media connection:
// ...", and the call goes on to its BYE instead of failing).
// Exit 0 when the call completed, 1 on any other failure, 3 on timeout, 4 when the far end hung up
// before the MSRP exchange.
'use strict';
const sip = require('sip');
const tls = require('tls');
const net = require('net');
const stream = require('stream');
const fs = require('fs');
const crypto = require('crypto');

const opt = { role: '', sip: '127.0.0.1:5060', proxy: '', media: '', cert: '', key: '', keylog: '',
	      'fp-case': 'upper', 'fp-cert': '', setup: '', 'late-listen': '', text: 'hello through the gateway',
	      out: '', user: 'alice', peer: 'bob', timeout: '15000', clear: '',
	      'media-loss': 'fail' };
for (let i = 2; i < process.argv.length; i += 2) {
	const k = process.argv[i].replace(/^--/, '');
	if (!(k in opt) || i + 1 >= process.argv.length) {
		console.error(`ue.js: unknown or incomplete option ${process.argv[i]}`);
		process.exit(1);
	}
	opt[k] = process.argv[i + 1];
}
const say = (s) => console.log(`${opt.role}: ${s}`);
const fail = (s, code) => { say(s); process.exit(code || 1); };
if (opt.clear && !(opt.role === 'orig' && (opt.setup === 'active' || opt.setup === 'none')))
	fail('--clear needs --role orig and --setup active or none (a UE that connects)');
setTimeout(() => fail(`timed out after ${opt.timeout} ms (${state()})`, 3), +opt.timeout).unref();

// host:port, the host in brackets or not for IPv6
function hostport(s) {
	const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
	if (!m) fail(`bad address ${s}`);
	return { host: m[1], port: +m[2] };
}
const bracket = (h) => (net.isIPv6(h) ? `[${h}]` : h);
const me = hostport(opt.sip);
const ip = opt.media && net.isIPv6(hostport(opt.media).host) ? 'IP6' : 'IP4'; // of the media, for c= and o=
const media = opt.media ? hostport(opt.media) : null;
const tlsUe = opt.role === 'orig' || opt.role === 'term';
const done = { msrp: false, sip: false };
const state = () => `MSRP ${done.msrp ? 'done' : 'pending'}, SIP ${done.sip ? 'done' : 'pending'}`;
function check_done() {
	if (done.msrp && done.sip) {
		say('call complete');
		// the last response still to leave (dgram sends are asynchronous), retransmissions answered
		setTimeout(() => process.exit(0), 500);
	}
}

// ---- certificates and fingerprints ----
let own = null;
if (tlsUe) {
	own = { cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key || opt.cert) };
	// --fp-cert: a UE that advertises another certificate than the one it presents
	const shown = opt['fp-cert'] ? fs.readFileSync(opt['fp-cert']) : own.cert;
	const fp = new crypto.X509Certificate(shown).fingerprint256;
	own.fp = opt['fp-case'] === 'lower' ? fp.toLowerCase() : fp;
}

// RFC 8122 §5: hash-func and fingerprint; the hex compared without regard to case
function peer_fingerprint(sock, hash) {
	const x = sock.getPeerX509Certificate();
	if (!x) return null;
	if (hash === 'sha-256') return x.fingerprint256;
	if (hash === 'sha-1') return x.fingerprint;
	if (hash === 'sha-512') return x.fingerprint512;
	const h = crypto.createHash(hash.replace('-', '')).update(x.raw).digest('hex').toUpperCase();
	return h.match(/../g).join(':');
}
function verify(sock, sdp_fp) {
	if (!sdp_fp) fail('fingerprint: the SDP carries no a=fingerprint: rejected', 2);
	const got = peer_fingerprint(sock, sdp_fp.hash);
	if (got && got.toUpperCase() === sdp_fp.value.toUpperCase()) {
		say(`fingerprint: the gateway's certificate ${sdp_fp.hash} ${got} matches the SDP`);
		return;
	}
	sock.destroy();
	fail(`fingerprint: the gateway presented ${sdp_fp.hash} ${got}, the SDP says ${sdp_fp.value}: ` +
	     'mismatch: rejected', 2);
}
function keylog(line) {
	if (opt.keylog) fs.appendFileSync(opt.keylog, line);
}

// ---- SDP ----
function parse_sdp(text) {
	const r = { attrs: {} };
	for (const l of (text || '').split(/\r?\n/)) {
		let m;
		if ((m = /^c=IN IP[46] (\S+)/.exec(l))) r.addr = m[1];
		else if ((m = /^m=message (\d+) (\S+)/.exec(l))) { r.port = +m[1]; r.proto = m[2]; }
		else if ((m = /^a=fingerprint:(\S+) (\S+)/.exec(l))) r.fp = { hash: m[1].toLowerCase(), value: m[2] };
		else if ((m = /^a=([^:]+):?(.*)$/.exec(l))) r.attrs[m[1]] = m[2];
	}
	r.setup = r.attrs.setup || '';
	r.path = r.attrs.path || '';
	return r;
}
function make_sdp(user, proto, path, setup, extra) {
	const a = bracket(media.host);
	return ['v=0', `o=${user} 1 1 IN ${ip} ${media.host}`, 's=-', `c=IN ${ip} ${media.host}`, 't=0 0',
		`m=message ${media.port} ${proto} *`, 'a=accept-types:text/plain',
		`a=path:${path.replace('@', a + ':' + media.port)}`]
		.concat(setup ? [`a=setup:${setup}`] : [], extra || [], ['']).join('\r\n');
}

// ---- MSRP (RFC 4975 §7.1: a request, its end-line; §7.2: the 200) ----
function msrp_conn(sock) {
	const out = opt.out;
	if (out) { fs.writeFileSync(out + '.sent', ''); fs.writeFileSync(out + '.recv', ''); }
	let buf = Buffer.alloc(0);
	const c = {
		sock,
		write(b) { if (out) fs.appendFileSync(out + '.sent', b); sock.write(b); },
		on_message: null,
	};
	sock.on('data', (d) => {
		if (out) fs.appendFileSync(out + '.recv', d);
		buf = Buffer.concat([buf, d]);
		for (;;) {
			const first = /^MSRP (\S+) ([^\r]*)\r\n/.exec(buf.toString('latin1'));
			if (!first) return;
			const end = `-------${first[1]}`;
			const s = buf.toString('latin1');
			const i = s.indexOf(end);
			if (i < 0 || s.length < i + end.length + 3) return;
			const len = i + end.length + 3;
			const msg = s.slice(0, len);
			buf = buf.subarray(len);
			c.on_message(first[1], first[2], msg);
		}
	});
	const lost = (why) => {
		if (opt['media-loss'] !== 'report') fail(why);
		say(why);
		done.msrp = true;
		check_done();
	};
	const on_error = (e) => lost(`media connection: ${e.message}`);
	const on_close = () => { if (!done.msrp) lost('media connection closed before the MSRP exchange'); };
	sock.on('error', on_error);
	sock.on('close', on_close);
	c.unwatch = () => { sock.off('error', on_error); sock.off('close', on_close); };
	return c;
}
const local_path = () => `msrp${tlsUe ? 's' : ''}://${bracket(media.host)}:${media.port}/${opt.user};tcp`;
function msrp_send(c, to_path) {
	const tid = 't' + crypto.randomBytes(4).toString('hex');
	const body = opt.text;
	const req = `MSRP ${tid} SEND\r\nTo-Path: ${to_path}\r\nFrom-Path: ${local_path()}\r\n` +
		`Message-ID: m${tid}\r\nByte-Range: 1-${body.length}/${body.length}\r\n` +
		`Content-Type: text/plain\r\n\r\n${body}\r\n-------${tid}$\r\n`;
	c.on_message = (id, rest, msg) => {
		if (id !== tid || !/^200 /.test(rest)) fail(`MSRP: expected the 200 to ${tid}, got ${msg}`);
		say(`MSRP: the SEND ${tid} answered 200 OK`);
		done.msrp = true;
		after_msrp();
	};
	c.write(req);
	say(`MSRP: sent SEND ${tid} (${body.length} bytes of text)`);
}
function msrp_answer(c) {
	c.on_message = (id, rest, msg) => {
		if (rest !== 'SEND') fail(`MSRP: expected a SEND, got ${msg}`);
		const from = /\r\nFrom-Path: ([^\r]*)\r\n/.exec(msg);
		const body = /\r\n\r\n([\s\S]*)\r\n-------/.exec(msg);
		say(`MSRP: received SEND ${id}: "${body ? body[1] : ''}"`);
		c.write(`MSRP ${id} 200 OK\r\nTo-Path: ${from ? from[1].split(' ')[0] : ''}\r\n` +
			`From-Path: ${local_path()}\r\n-------${id}$\r\n`);
		done.msrp = true;
		check_done();
	};
}

// ---- media connections, per role and a=setup ----
// the UE's TLS server (the gateway connects as TLS client and must present its certificate)
function tls_listen(fp_of, on_conn) {
	const srv = tls.createServer({ cert: own.cert, key: own.key, requestCert: true, rejectUnauthorized: false });
	srv.on('keylog', keylog);
	// the gateway's handshake may end before its answer reaches us (RFC 8122 §6.3): the check waits for it
	srv.on('secureConnection', (s) => {
		srv.close();
		const check = () => {
			if (!fp_of()) return setTimeout(check, 10);
			verify(s, fp_of());
			on_conn(s);
		};
		check();
	});
	srv.on('tlsClientError', (e) => fail(`TLS (server): ${e.message}`));
	srv.listen(media.port, media.host);
	return srv;
}
function tls_connect(peer, fp, on_conn) {
	const o = { host: peer.addr, port: peer.port, localAddress: media.host, cert: own.cert, key: own.key,
		    rejectUnauthorized: false, checkServerIdentity: () => undefined };
	const raw = opt.clear ? net.connect({ host: peer.addr, port: peer.port, localAddress: media.host }) : null;
	if (raw) o.socket = over(raw);
	const s = tls.connect(o);
	s.raw = raw;
	s.on('keylog', keylog);
	s.on('secureConnect', () => { verify(s, fp); on_conn(s); });
	s.on_error = (e) => fail(`TLS (client) to ${peer.addr}:${peer.port}: ${e.message}`);
	s.on('error', s.on_error);
}
// TLS over a stream of our own on the TCP connection (node's tls takes any Duplex), so that bytes can
// also be written on the connection itself, outside TLS
function over(raw) {
	const d = new stream.Duplex({
		write(chunk, enc, cb) { raw.write(chunk, cb); },
		final(cb) { raw.end(); cb(); },
		read() {},
	});
	raw.on('data', (b) => d.push(b));
	raw.on('end', () => d.push(null));
	raw.on('error', (e) => d.destroy(e)); // TLS fails with it
	return d;
}
// --clear, once the SEND was answered (TLS has nothing left to write): bytes that are no TLS record,
// written on the connection itself; the gateway's alert and the connection's end are reported, then
// the call is hung up
function in_clear(c) {
	const s = c.sock, raw = s.raw;
	let alert = false;
	c.unwatch();
	s.off('error', s.on_error);
	s.on('error', (e) => {
		const ssl = /^ERR_SSL_/.test(e.code || '');
		alert = alert || ssl;
		say(`TLS ${ssl ? 'alert' : 'error'}: ${e.code || e.message}`);
	});
	raw.on('end', () => say('connection: FIN'));
	raw.on('error', (e) => say(`connection: ${e.code === 'ECONNRESET' ? 'reset' : e.message}`));
	raw.on('close', () => {
		if (!alert) fail('the connection ended without a TLS alert');
		bye();
	});
	raw.write(opt.clear);
	say(`wrote ${opt.clear.length} bytes outside TLS`);
}

// ---- SIP ----
const indent = (t) => (t || '').trim().split(/\r?\n/).map((l) => `    ${l}`).join('\n');
let dialog = null, after_msrp = () => {};
const tag = () => crypto.randomBytes(4).toString('hex');
const uri_of = (user) => `sip:${user}@${bracket(me.host)}:${me.port}`;
const proxy_uri = () => `sip:${bracket(hostport(opt.proxy).host)}:${hostport(opt.proxy).port};lr`;

function register(then) {
	const p = hostport(opt.proxy);
	sip.send({
		method: 'REGISTER', uri: `sip:${bracket(p.host)}:${p.port}`,
		headers: {
			to: { uri: `sip:${opt.user}@example.net` },
			from: { uri: `sip:${opt.user}@example.net`, params: { tag: tag() } },
			'call-id': `r${tag()}`, cseq: { method: 'REGISTER', seq: 1 }, contact: [{ uri: uri_of(opt.user) }],
			'security-client': 'msrp-tls;mediasec', expires: 600, 'max-forwards': 70,
		},
	}, (rs) => {
		if (rs.status < 200) return;
		if (rs.status !== 200) fail(`REGISTER answered ${rs.status} ${rs.reason}`);
		say(`registered; Security-Server: ${rs.headers['security-server'] || '(none)'}`);
		then();
	});
}

// the dialog a 2xx to our INVITE makes (RFC 3261 §12.1.2): remote target, route set, tags
function bye() {
	const d = dialog;
	sip.send({
		method: 'BYE', uri: d.target,
		headers: { to: d.to, from: d.from, 'call-id': d.callid, cseq: { method: 'BYE', seq: d.seq + 1 },
			   route: d.route, 'max-forwards': 70 },
	}, (rs) => {
		if (rs.status < 200) return;
		if (rs.status !== 200) fail(`BYE answered ${rs.status} ${rs.reason}`);
		say('BYE answered 200');
		done.sip = true;
		check_done();
	});
}

function invite(user, to_uri, sdp, on_answer) {
	const d = { callid: `c${tag()}`, seq: 1, from: { uri: `sip:${user}@example.net`, params: { tag: tag() } } };
	const headers = { to: { uri: to_uri }, from: d.from, 'call-id': d.callid, cseq: { method: 'INVITE', seq: 1 },
			  contact: [{ uri: uri_of(user) }], 'content-type': 'application/sdp', 'max-forwards': 70 };
	headers.route = [{ uri: proxy_uri() }]; // the P-CSCF (or, from the core, ims-alg's core side)
	let answered = false;
	sip.send({ method: 'INVITE', uri: to_uri, headers, content: sdp }, (rs) => {
		if (rs.status < 200) return;
		if (rs.status >= 300) fail(`INVITE answered ${rs.status} ${rs.reason}`);
		d.to = rs.headers.to;
		d.target = rs.headers.contact[0].uri;
		d.route = (rs.headers['record-route'] || []).slice().reverse();
		dialog = d;
		sip.send({ method: 'ACK', uri: d.target,
			   headers: { to: d.to, from: d.from, 'call-id': d.callid, cseq: { method: 'ACK', seq: 1 },
				      route: d.route, via: [], 'max-forwards': 70 } });
		if (answered) return; // a retransmitted 200: ACKed again, nothing else
		answered = true;
		say(`INVITE answered 200; SDP:\n${indent(rs.content)}`);
		on_answer(parse_sdp(rs.content));
	});
}

// requests to us: the INVITE (term, core-answer), ACK, BYE
let on_invite = null;
function on_request(rq) {
	if (rq.method === 'ACK') return;
	if (rq.method === 'BYE') {
		sip.send(sip.makeResponse(rq, 200, 'OK'));
		say('BYE received, answered 200');
		// released before the media flowed (as ims-alg does when the gateway's leg fails): give up
		if (!done.msrp)
			setTimeout(() => { if (!done.msrp) fail('the call was released before the MSRP exchange', 4); },
				   300);
		done.sip = true;
		check_done();
		return;
	}
	if (rq.method === 'INVITE' && on_invite && !rq.headers.to.params.tag) {
		try {
			return on_invite(rq);
		} catch (e) {
			fail(`taking the INVITE: ${e.stack}`);
		}
	}
	sip.send(sip.makeResponse(rq, 405, 'Method Not Allowed'));
}
function answer(rq, sdp) {
	const rs = sip.makeResponse(rq, 200, 'OK');
	rs.headers.to.params.tag = tag();
	rs.headers.contact = [{ uri: uri_of(opt.user) }];
	rs.headers['content-type'] = 'application/sdp';
	if (rq.headers['record-route']) rs.headers['record-route'] = rq.headers['record-route'];
	rs.content = sdp;
	sip.send(rs);
}

// ---- the roles ----
const roles = {
	orig() {
		const setup = opt.setup || 'actpass';
		let ans = null;
		// actpass: the gateway may connect as soon as it has the offer; without a=setup we are the
		// active end (RFC 4145 §4.1, RFC 4975's offerer connects) and listen for nobody
		if (setup !== 'active' && setup !== 'none')
			tls_listen(() => ans && ans.fp, (s) => { const c = msrp_conn(s); msrp_send(c, ans.path); });
		register(() => {
			const sdp = make_sdp(opt.user, 'TCP/TLS/MSRP', `msrps://@/${opt.user};tcp`,
					     setup === 'none' ? '' : setup,
					     [`a=fingerprint:sha-256 ${own.fp}`, 'a=3ge2ae:requested']);
			invite(opt.user, `sip:${opt.peer}@example.net`, sdp, (a) => {
				ans = a;
				if (a.proto !== 'TCP/TLS/MSRP') fail(`the answer's m= line is ${a.proto}, not TCP/TLS/MSRP`);
				say(`answer: a=setup:${a.setup || '(none)'}`);
				if (a.setup === 'passive' || setup === 'none')
					tls_connect(a, a.fp, (s) => {
						const c = msrp_conn(s);
						msrp_send(c, a.path);
						if (s.raw) after_msrp = () => in_clear(c);
					});
				// active: the gateway connects to our TLS server
			});
		});
		after_msrp = bye;
	},
	term() {
		const setup = opt.setup || 'active';
		register(() => say('waiting for the INVITE'));
		on_invite = (rq) => {
			const o = parse_sdp(rq.content);
			say(`INVITE received; SDP:\n${indent(rq.content)}`);
			if (o.proto !== 'TCP/TLS/MSRP') fail(`the offer's m= line is ${o.proto}, not TCP/TLS/MSRP`);
			if (o.attrs['3ge2ae'] !== 'applied') fail('the offer carries no a=3ge2ae:applied');
			const sdp = make_sdp(opt.user, 'TCP/TLS/MSRP', `msrps://@/${opt.user};tcp`,
					     setup === 'none' ? '' : setup, [`a=fingerprint:sha-256 ${own.fp}`]);
			const serve = (s) => msrp_answer(msrp_conn(s));
			const late = opt['late-listen'];
			// an answer without a=setup is passive (RFC 4145 §4.1): we listen, the gateway connects
			if ((setup === 'passive' || setup === 'none') && late === '') {
				tls_listen(() => o.fp, serve).on('listening', () => { say('listening'); answer(rq, sdp); });
			} else if (setup === 'passive') {
				answer(rq, sdp);
				setTimeout(() => { say(`listening (${late} ms after the 200)`); tls_listen(() => o.fp, serve); },
					   +late);
			} else {
				answer(rq, sdp);
				say('connecting at once after the 200');
				tls_connect(o, o.fp, serve);
			}
		};
	},
	'core-answer'() {
		on_invite = (rq) => {
			const o = parse_sdp(rq.content);
			say(`INVITE received; SDP:\n${indent(rq.content)}`);
			if (o.proto !== 'TCP/MSRP') fail(`the core's offer is ${o.proto}, not TCP/MSRP`);
			answer(rq, make_sdp(opt.user, 'TCP/MSRP', `msrp://@/${opt.user};tcp`, 'active'));
			const s = net.connect({ port: o.port, host: o.addr, localAddress: media.host });
			s.on('connect', () => { say(`connected to the gateway's core leg ${o.addr}:${o.port}`); });
			msrp_answer(msrp_conn(s));
		};
	},
	'core-offer'() {
		let ans = null;
		const srv = net.createServer((s) => {
			srv.close();
			say('the gateway connected to the core');
			const c = msrp_conn(s);
			const go = () => (ans ? msrp_send(c, ans.path) : setTimeout(go, 20));
			go();
		});
		srv.listen(media.port, media.host);
		after_msrp = bye;
		invite(opt.user, `sip:${opt.peer}@example.net`,
		       make_sdp(opt.user, 'TCP/MSRP', `msrp://@/${opt.user};tcp`, 'actpass'), (a) => {
			ans = a;
			if (a.proto !== 'TCP/MSRP') fail(`the answer to the core is ${a.proto}, not TCP/MSRP`);
			if (a.setup === 'passive') {
				srv.close();
				const s = net.connect({ port: a.port, host: a.addr, localAddress: media.host });
				msrp_send(msrp_conn(s), a.path);
			}
		});
	},
};
if (!roles[opt.role]) fail(`--role orig, term, core-answer or core-offer, not "${opt.role}"`);
sip.start({ port: me.port, address: me.host, publicAddress: bracket(me.host), tcp: false }, on_request);
roles[opt.role]();
say(`SIP on udp ${opt.sip}`);
