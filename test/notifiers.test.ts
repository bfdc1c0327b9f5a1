/**
 * Channel providers (issue 6) against real receivers: a node:http server that answers like each
 * vendor's robot or gateway, and a real SMTP server. Payloads, signatures, retryable or not,
 * and no secret in any error message or redacted configuration.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  channelConfigSchema,
  createNotifier,
  redactChannelConfig,
  type ChannelConfigInput,
} from '../ingest/adapters/notifiers/create-notifier.ts';
import { DeliveryError, type Notifier, type OutboundMessage } from '../ingest/ports/notifier.ts';

const message: OutboundMessage = {
  id: 'dlv-0001',
  ticketId: 'T-0042',
  title: '【主管道事故】四号换热站 30 分钟内到场',
  text: '类型: 主管道事故\n地点: 四号换热站 "东区"\n时限: 09:30 前到场',
  link: 'https://hw.example/t/T-0042',
  ackLink: 'https://hw.example/ack/T-0042?sig=abc',
  recipients: [
    { name: '张工', mobile: '13800000001', email: 'zhang@example.com' },
    { name: '李工', mobile: '13800000002' },
    { name: '王工', email: 'wang@example.com' },
  ],
};
const plainText = `${message.title}\n${message.text}\n详情: ${message.link}\n一键接单: ${message.ackLink}`;

// ── a real HTTP receiver ────────────────────────────────────────────────────────────────────
interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}
interface Reply {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

async function startReceiver() {
  const requests: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let reply: (req: Received) => Reply = () => ({ body: { errcode: 0, errmsg: 'ok' } });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received = { url: req.url ?? '', headers: req.headers, text, json: JSON.parse(text) };
      requests.push(received);
      const r = reply(received);
      const answer = () => {
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {}));
      };
      if (!r.delayMs) return answer();
      const timer = setTimeout(answer, r.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    answer(fn: (req: Received) => Reply) {
      reply = fn;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
const opened: Notifier[] = [];
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((n) => n.close?.()));
  await receiver.close();
});

function notifier(config: ChannelConfigInput): Notifier {
  const created = createNotifier(channelConfigSchema.parse(config));
  opened.push(created);
  return created;
}

async function failure(sending: Promise<void>): Promise<DeliveryError> {
  const error = await sending.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

// ── payloads ────────────────────────────────────────────────────────────────────────────────
describe('webhook', () => {
  it('POSTs the whole message as JSON with the delivery id and the configured headers', async () => {
    receiver.answer(() => ({ status: 204 }));
    await notifier({ type: 'webhook', url: `${receiver.base}/hooks/heat`, headers: { Authorization: 'Bearer hook-secret-1' } }).send(message);
    const [req] = receiver.requests;
    expect(req?.url).toBe('/hooks/heat');
    expect(req?.headers).toMatchObject({
      'x-heatwatch-delivery': 'dlv-0001',
      authorization: 'Bearer hook-secret-1',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(req?.json).toEqual({
      id: message.id,
      ticketId: message.ticketId,
      title: message.title,
      text: message.text,
      link: message.link,
      ackLink: message.ackLink,
      recipients: message.recipients,
    });
  });
});

describe('WeCom group robot', () => {
  it('sends text that @-mentions the engineers by mobile, with both links', async () => {
    await notifier({ type: 'wecom', url: `${receiver.base}/cgi-bin/webhook/send?key=wecom-key-123` }).send(message);
    const [req] = receiver.requests;
    expect(req?.url).toBe('/cgi-bin/webhook/send?key=wecom-key-123');
    expect(req?.json).toEqual({
      msgtype: 'text',
      text: { content: plainText, mentioned_mobile_list: ['13800000001', '13800000002'] },
    });
  });

  it('lists one acknowledge link per person, each in their own name', async () => {
    const own = { ...message, recipients: message.recipients.map((r, i) => ({ ...r, ackLink: `https://hw.example/ack/person-${i}` })) };
    await notifier({ type: 'wecom', url: `${receiver.base}/cgi-bin/webhook/send?key=wecom-key-123` }).send(own);
    const content = (receiver.requests[0]?.json as { text: { content: string } }).text.content;
    expect(content.split('\n').filter((l) => l.startsWith('一键接单'))).toEqual([
      '一键接单（张工）: https://hw.example/ack/person-0',
      '一键接单（李工）: https://hw.example/ack/person-1',
      '一键接单（王工）: https://hw.example/ack/person-2',
    ]);
  });

  it('cuts the text, not the links, to the 2048-byte limit', async () => {
    await notifier({ type: 'wecom', url: `${receiver.base}/send?key=k1` }).send({ ...message, ackLink: null, text: '供水温度偏低。'.repeat(200) });
    const content: string = receiver.requests[0]?.json.text.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
    expect(content.startsWith(`${message.title}\n供水温度偏低。`)).toBe(true);
    expect(content.endsWith(`…\n详情: ${message.link}`)).toBe(true);
    expect(content).not.toContain('一键接单');
  });

  it('reads the verdict from errcode: 45009 (rate limit) is retryable, 93000 (invalid key) is not', async () => {
    const wecom = notifier({ type: 'wecom', url: `${receiver.base}/send?key=wecom-key-123` });
    receiver.answer(() => ({ body: { errcode: 45009, errmsg: 'api freq out of limit' } }));
    const limited = await failure(wecom.send(message));
    expect(limited.retryable).toBe(true);
    expect(limited.message).toBe('wecom: receiver refused the message: errcode 45009 api freq out of limit');

    receiver.answer(() => ({ body: { errcode: 93000, errmsg: 'invalid webhook url, hint: key=wecom-key-123' } }));
    const invalid = await failure(wecom.send(message));
    expect(invalid.retryable).toBe(false);
    expect(invalid.message).toContain('errcode 93000 invalid webhook url');
    expect(invalid.message).not.toContain('wecom-key-123');
  });
});

describe('DingTalk group robot', () => {
  const secret = 'SECdingtalk0secret0value';

  it('signs the URL with the official HmacSHA256 algorithm and @-mentions by mobile', async () => {
    await notifier({ type: 'dingtalk', url: `${receiver.base}/robot/send?access_token=dt-token-123`, secret }).send(message);
    const req = receiver.requests[0]!;
    const url = new URL(req.url, receiver.base);
    const timestamp = url.searchParams.get('timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(60_000);
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(req.url).toBe(`/robot/send?access_token=dt-token-123&timestamp=${timestamp}&sign=${encodeURIComponent(expected)}`);
    expect(req.json).toEqual({
      msgtype: 'text',
      text: { content: `${plainText}\n@13800000001 @13800000002` },
      at: { atMobiles: ['13800000001', '13800000002'], isAtAll: false },
    });
  });

  it('sends no signature without a secret; 130101 is retryable, 310000 (sign/keyword/IP) is not', async () => {
    const dingtalk = notifier({ type: 'dingtalk', url: `${receiver.base}/robot/send?access_token=dt-token-123` });
    await dingtalk.send(message);
    expect(receiver.requests[0]?.url).toBe('/robot/send?access_token=dt-token-123');

    receiver.answer(() => ({ body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } }));
    expect((await failure(dingtalk.send(message))).retryable).toBe(true);
    receiver.answer(() => ({ body: { errcode: 310000, errmsg: 'keywords not in content' } }));
    const refused = await failure(dingtalk.send(message));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toBe('dingtalk: receiver refused the message: errcode 310000 keywords not in content');
  });
});

describe('Feishu custom bot', () => {
  const secret = 'feishu-secret-456';

  it('signs the body (timestamp in seconds) and lists the names it cannot mention', async () => {
    receiver.answer(() => ({ body: { code: 0, data: {}, msg: 'success' } }));
    await notifier({ type: 'feishu', url: `${receiver.base}/open-apis/bot/v2/hook/fs-token-789`, secret }).send(message);
    const { json } = receiver.requests[0]!;
    expect(json).toEqual({
      timestamp: expect.stringMatching(/^\d{10}$/),
      sign: expect.any(String),
      msg_type: 'text',
      content: { text: `${plainText}\n通知: 张工、李工、王工` },
    });
    expect(Math.abs(Number(json.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(json.sign).toBe(createHmac('sha256', `${json.timestamp}\n${secret}`).update('').digest('base64'));
  });

  it('accepts the older {StatusCode: 0}; a non-zero code is a failure that names it', async () => {
    const feishu = notifier({ type: 'feishu', url: `${receiver.base}/open-apis/bot/v2/hook/fs-token-789` });
    receiver.answer(() => ({ body: { Extra: null, StatusCode: 0, StatusMessage: 'success' } }));
    await feishu.send(message);
    expect(receiver.requests[0]?.json).not.toHaveProperty('sign');

    receiver.answer(() => ({ body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } }));
    const refused = await failure(feishu.send(message));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('feishu: receiver refused the message: errcode 19021 sign match fail');
    receiver.answer(() => ({ body: { code: 11232, msg: 'frequency limited' } }));
    expect((await failure(feishu.send(message))).retryable).toBe(true);
  });
});

describe('SMS gateway', () => {
  const bodyTemplate = '{"to":"{{mobile}}","content":"{{text}}","apikey":"sms-api-key-123","id":12345678901234567890}';

  it('fills the template per mobile with the JSON-escaped text: quotes, backslash, newline, Chinese', async () => {
    const tricky = { ...message, title: '"四号"站\\泄漏\n{{mobile}}' };
    await notifier({ type: 'sms', url: `${receiver.base}/sms`, headers: { Authorization: 'Basic c21zOnB3' }, bodyTemplate }).send(tricky);
    const requests = [...receiver.requests].sort((a, b) => a.json.to.localeCompare(b.json.to));
    expect(requests.map((r) => r.json.to)).toEqual(['13800000001', '13800000002']);
    const expectedText = `"四号"站\\泄漏\n{{mobile}} ${message.link}`;
    expect(requests[0]?.json.content).toBe(expectedText);
    expect(requests[0]?.headers.authorization).toBe('Basic c21zOnB3');
    // Sent exactly as filled: the big id keeps its digits, the escapes are JSON's.
    expect(requests[0]?.text).toBe(
      `{"to":"13800000001","content":"\\"四号\\"站\\\\泄漏\\n{{mobile}} ${message.link}","apikey":"sms-api-key-123","id":12345678901234567890}`,
    );
  });

  it('keeps the SMS within one segment by cutting the title, never the link', async () => {
    const long = { ...message, title: '【主管道事故】四号换热站一次网供水管道爆管，影响东区十二栋楼供热，请立即关阀抢修并上报' };
    await notifier({ type: 'sms', url: `${receiver.base}/sms`, bodyTemplate }).send(long);
    const content: string = receiver.requests[0]?.json.content;
    expect([...content].length).toBeLessThanOrEqual(70);
    expect(content).toMatch(/^【主管道事故】四号换热站.*… https:\/\/hw\.example\/t\/T-0042$/);
  });

  it('checks the configured success field; a refusal is not retryable and names the field, not the key', async () => {
    const sms = notifier({ type: 'sms', url: `${receiver.base}/sms`, bodyTemplate, successField: 'result.code', successValue: '0' });
    receiver.answer(() => ({ body: { result: { code: 0 } } }));
    await sms.send(message);
    receiver.answer((req) => ({ body: { result: { code: 'E102', msg: '余额不足', echo: req.json.apikey } } }));
    const refused = await failure(sms.send(message));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('sms: 2 of 2 not sent');
    expect(refused.message).toContain('138****0001: gateway refused: result.code is "E102", not "0"');
    expect(refused.message).not.toContain('sms-api-key-123');
  });

  it('refuses a message for recipients without a mobile, as not retryable', async () => {
    const sms = notifier({ type: 'sms', url: `${receiver.base}/sms`, bodyTemplate });
    const error = await failure(sms.send({ ...message, recipients: [{ name: '王工', email: 'wang@example.com' }] }));
    expect(error.retryable).toBe(false);
    expect(receiver.requests).toHaveLength(0);
  });
});

// ── a real SMTP server ──────────────────────────────────────────────────────────────────────
interface Mail {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtp() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    // STACK.md: the built-in STARTTLS certificate has expired.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 'smtp-pa55word') return callback(null, { user: 'alerts' });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Just enough MIME for the assertions: unfolded headers, encoded words, base64/QP parts. */
function header(raw: string, name: string): string {
  const head = raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
  return line.slice(name.length + 1).trim();
}
function decodeWords(value: string): string {
  // Whitespace between adjacent encoded words is not content (RFC 2047 §6.2); around them it is.
  return value.replace(/=\?utf-8\?[bq]\?[^?]*\?=(?:\s+=\?utf-8\?[bq]\?[^?]*\?=)*/gi, (run) => {
    const bytes = [...run.matchAll(/=\?utf-8\?([bq])\?([^?]*)\?=/gi)].map(([, enc, data]) =>
      enc!.toLowerCase() === 'b' ? Buffer.from(data!, 'base64') : decodeQp(data!.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}
function decodeQp(value: string): Buffer {
  const text = value.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}
function part(raw: string, contentType: string): string {
  const boundary = /boundary="?([^";]+)"?/.exec(header(raw, 'Content-Type'))?.[1] ?? '';
  const found = raw.split(`--${boundary}`).find((p) => header(p.replace(/^\r\n/, ''), 'Content-Type').startsWith(contentType)) ?? '';
  const section = found.replace(/^\r\n/, '');
  // The CRLF before the next boundary belongs to the boundary (RFC 2046 §5.1.1).
  const body = section.slice(section.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
  const encoding = header(section, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQp(body).toString('utf8');
  return body;
}

describe('e-mail over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeEach(async () => {
    smtp = await startSmtp();
  });
  afterEach(() => smtp.close());

  const emailConfig = (login: { user?: string; pass?: string } = {}): ChannelConfigInput => ({
    type: 'email',
    host: '127.0.0.1',
    port: smtp.port,
    ignoreTLS: true,
    from: 'HeatWatch <alerts@hw.example>',
    ...login,
  });

  it('mails each recipient that has an address, one mail each: Chinese subject, text with both links, HTML buttons', async () => {
    await notifier(emailConfig({ user: 'alerts', pass: 'smtp-pa55word' })).send(message);
    expect(smtp.mails.map((m) => m.to).sort()).toEqual([['wang@example.com'], ['zhang@example.com']]);
    const mail = smtp.mails.find((m) => m.to[0] === 'zhang@example.com');
    expect(mail?.from).toBe('alerts@hw.example');
    expect(decodeWords(header(mail!.raw, 'Subject'))).toBe(message.title);
    expect(decodeWords(header(mail!.raw, 'To'))).toBe('张工 <zhang@example.com>');
    expect(header(mail!.raw, 'X-HeatWatch-Delivery')).toBe('dlv-0001');
    expect(part(mail!.raw, 'text/plain').replace(/\r\n/g, '\n')).toBe(`${message.text}\n\n详情: ${message.link}\n一键接单: ${message.ackLink}`);
    const html = part(mail!.raw, 'text/html');
    expect(html).toContain(`<a href="${message.link.replace(/&/g, '&#38;')}"`);
    expect(html).toContain('四号换热站 &#34;东区&#34;');
  });

  it("gives each person only their own acknowledge link, in their own name", async () => {
    const own = { ...message, recipients: message.recipients.map((r) => ({ ...r, ackLink: `https://hw.example/ack/for-${r.name}` })) };
    await notifier(emailConfig()).send(own);
    for (const mail of smtp.mails) {
      const text = part(mail.raw, 'text/plain');
      const mine = own.recipients.find((r) => r.email === mail.to[0])!;
      expect(text).toContain(`一键接单: ${mine.ackLink}`);
      for (const other of own.recipients.filter((r) => r !== mine)) expect(text).not.toContain(other.ackLink);
    }
    expect(smtp.mails).toHaveLength(2);
  });

  it('a refused login is not retryable and does not quote the password', async () => {
    const error = await failure(notifier(emailConfig({ user: 'alerts', pass: 'wrong-pa55word' })).send(message));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^email: SMTP server answered 535/);
    expect(error.message).not.toContain('wrong-pa55word');
  });

  it('no recipient with an address is not retryable; an unreachable server is', async () => {
    const email = notifier(emailConfig());
    const none = await failure(email.send({ ...message, recipients: [{ name: '李工', mobile: '13800000002' }] }));
    expect(none.retryable).toBe(false);
    expect(smtp.mails).toHaveLength(0);

    await smtp.close();
    const down = await failure(notifier(emailConfig()).send(message));
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/^email: could not reach the SMTP server/);
  });
});

// ── retryable or not, and secrets ───────────────────────────────────────────────────────────
describe('failures', () => {
  const secretHeader = { Authorization: 'Bearer hook-secret-1' };
  const webhook = (timeoutMs?: number) =>
    notifier({ type: 'webhook', url: `${receiver.base}/hook?token=url-secret-2`, headers: secretHeader, ...(timeoutMs ? { timeoutMs } : {}) });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
  ])('HTTP %i → retryable %s, with the status but neither the body nor a secret', async (status, retryable) => {
    // The receiver echoes everything it got: the error must still show no credential.
    receiver.answer((req) => ({ status, body: { error: 'nope', saw: req.headers.authorization, url: req.url } }));
    const error = await failure(webhook().send(message));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toMatch(new RegExp(`^webhook: receiver answered HTTP ${status} \\(\\d+-byte body not shown\\)$`));
    expect(error.message).not.toContain('nope');
    expect(error.message).not.toMatch(/hook-secret-1|url-secret-2/);
  });

  it('no answer within the timeout → retryable', async () => {
    receiver.answer(() => ({ delayMs: 5_000 }));
    const error = await failure(webhook(200).send(message));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('webhook: no answer within 200 ms');
  });

  it('connection refused → retryable, naming the cause and not the URL', async () => {
    const url = `${receiver.base}/send?key=wecom-key-123`;
    await receiver.close();
    receiver = await startReceiver(); // afterEach closes this one
    const error = await failure(notifier({ type: 'wecom', url }).send(message));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('wecom: could not reach the receiver (ECONNREFUSED)');
    expect(error.cause).toBeDefined();
  });

  it('a 200 that is not the vendor JSON is a failure, not a silent success', async () => {
    receiver.answer(() => ({ body: '<html>portal</html>' }));
    const error = await failure(notifier({ type: 'dingtalk', url: `${receiver.base}/robot/send?access_token=t0k3n` }).send(message));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('without the expected JSON verdict (19-byte body not shown)');
    expect(error.message).not.toContain('portal');
  });
});

// ── configuration ───────────────────────────────────────────────────────────────────────────
describe('channel configuration', () => {
  const secrets = ['hook-secret-1', 'url-secret-2', 'wecom-key-123', 'dt-token-123', 'SECdingtalk0secret', 'fs-token-789', 'feishu-secret-456', 'smtp-pa55word', 'Basic c21zOnB3', 'sms-api-key-123'];
  const configs: ChannelConfigInput[] = [
    { type: 'webhook', url: 'https://u:url-secret-2@hooks.example/hook?token=url-secret-2', headers: { Authorization: 'hook-secret-1' } },
    { type: 'webhook', url: 'https://hooks.slack.example/services/T000/B000/Xy7hook1secret2value3' },
    { type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-123' },
    { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=dt-token-123', secret: 'SECdingtalk0secret' },
    { type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/fs-token-789', secret: 'feishu-secret-456' },
    { type: 'email', host: 'smtp.example', port: 465, secure: true, user: 'alerts', pass: 'smtp-pa55word', from: 'alerts@hw.example' },
    { type: 'sms', url: 'https://sms.example/send', headers: { Authorization: 'Basic c21zOnB3' }, bodyTemplate: '{"to":"{{mobile}}","msg":"{{text}}","apikey":"sms-api-key-123"}' },
  ];

  it.each(configs.map((c) => [c.type, c] as const))('redactChannelConfig hides every secret of %s and keeps the rest readable', (_, input) => {
    const config = channelConfigSchema.parse(input);
    const shown = JSON.stringify(redactChannelConfig(config));
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(shown).not.toContain('Xy7hook1secret2value3');
    expect(shown).toContain('••••');
    expect(redactChannelConfig(config).type).toBe(config.type);
    expect(JSON.stringify(config)).toBe(JSON.stringify(channelConfigSchema.parse(input))); // not mutated
  });

  it('shows what is not secret: hosts, header names, the SMTP user, the template placeholders', () => {
    const [hook, , wecom, , feishu, email, sms] = configs.map((c) => redactChannelConfig(channelConfigSchema.parse(c)));
    expect(hook).toMatchObject({ url: 'https://u:••••@hooks.example/hook?token=••••', headers: { Authorization: '••••' } });
    expect(wecom).toMatchObject({ url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=••••' });
    expect(feishu).toMatchObject({ url: 'https://open.feishu.cn/open-apis/bot/v2/hook/••••', secret: '••••' });
    expect(email).toMatchObject({ host: 'smtp.example', user: 'alerts', pass: '••••' });
    expect(sms).toMatchObject({ bodyTemplate: '{"to":"{{mobile}}","msg":"{{text}}","apikey":"••••"}' });
  });

  it('refuses bad configurations, listing every problem', () => {
    const problems = (input: unknown) => {
      const result = channelConfigSchema.safeParse(input);
      expect(result.success).toBe(false);
      return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ type: 'dingtalk', url: 'ftp://oapi.dingtalk.com/robot/send', secret: 'abc' })).toEqual([
      'url: must be an http:// or https:// URL',
      'secret: a DingTalk signing secret starts with "SEC"',
    ]);
    expect(problems({ type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' })).toEqual([
      'url: must carry ?key=… (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)',
    ]);
    expect(problems({ type: 'email', port: 70000, from: 'nobody' }).map((p) => p.split(':')[0])).toEqual(['host', 'port', 'from']);
    expect(problems({ type: 'sms', url: 'https://sms.example', bodyTemplate: '{"to":"{{mobile}}"}' })).toEqual([
      'bodyTemplate: must contain {{mobile}} and {{text}}',
    ]);
    expect(problems({ type: 'sms', url: 'https://sms.example', bodyTemplate: '{"to":"{{mobile}}","text":"{{text}}"', successField: 'code' })).toEqual([
      'bodyTemplate: must be JSON once {{mobile}} and {{text}} are filled in',
      'successValue: successField and successValue go together',
    ]);
    expect(problems({ type: 'webhook', url: 'https://x.example', headers: { 'Bad Header': 'x' }, secert: 'typo' })).toHaveLength(2);
    expect(problems({ type: 'pager', url: 'https://x.example' })).toHaveLength(1);
    const listed = z.prettifyError(channelConfigSchema.safeParse({ type: 'email', port: 0 }).error!);
    expect(listed).toContain('host');
    expect(listed).toContain('from');
  });
});
