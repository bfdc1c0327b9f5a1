/**
 * Issue 15, part 7: why a page did not go out, in Chinese for the dispatcher. The errors are the
 * real ones — the notifiers against a real receiver that refuses, times out or is not there —
 * so a change to the server's wording that the dashboard no longer recognises fails here.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelConfigSchema, createNotifier, type ChannelConfigInput } from '../ingest/adapters/notifiers/create-notifier.ts';
import type { OutboundMessage } from '../ingest/ports/notifier.ts';
import { deliveryErrorText } from '../dashboard/src/lib/facts/delivery-errors.ts';
import { zhCN } from '../dashboard/src/lib/i18n/zh-CN.ts';
import type { MessageKey } from '../dashboard/src/lib/i18n/i18n.svelte.ts';

const zh = { t: (key: MessageKey, vars: Record<string, string | number> = {}) => zhCN[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k])) };

const message: OutboundMessage = {
  id: 'dlv-0001',
  ticketId: 'T-0042',
  title: '【主管道事故】四号换热站',
  text: '地点: 四号换热站',
  link: 'https://hw.example/t/T-0042',
  ackLink: 'https://hw.example/ack/T-0042',
  recipients: [
    { name: '张工', mobile: '13800000001' },
    { name: '李工', mobile: '13800000002' },
  ],
};

/** What the notifier's send failed with, in Chinese. */
async function failureOf(config: ChannelConfigInput, msg: OutboundMessage = message): Promise<string> {
  const notifier = createNotifier(channelConfigSchema.parse(config));
  try {
    await notifier.send(msg);
  } catch (err) {
    return deliveryErrorText(zh, (err as Error).message);
  } finally {
    await notifier.close?.();
  }
  throw new Error('it was sent');
}

describe('delivery errors, as the Chinese dispatcher reads them', () => {
  let base = '';
  let reply: { status: number; body: unknown; hang?: boolean } = { status: 200, body: {} };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (reply.hang) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('a receiver that is not there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failureOf({ type: 'webhook', url: `http://127.0.0.1:${port}/hook` })).toBe('无法连接接收方（ECONNREFUSED）');
  });

  it('a receiver that answers an error status', async () => {
    reply = { status: 503, body: { busy: true } };
    expect(await failureOf({ type: 'webhook', url: `${base}/hook` })).toBe('接收方返回错误 HTTP 503');
  });

  it('a receiver that does not answer in time', async () => {
    reply = { status: 200, body: {}, hang: true };
    expect(await failureOf({ type: 'webhook', url: `${base}/hook`, timeoutMs: 1000 })).toBe('接收方 1 秒内无应答');
  });

  it('a chat robot that refuses the message, with its own words', async () => {
    reply = { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } };
    expect(await failureOf({ type: 'wecom', url: `${base}/cgi-bin/webhook/send?key=k-123456` })).toBe('接收方拒收：错误码 93000 invalid webhook url');
  });

  it('an SMS gateway that refuses each number: who did not get it, and why', async () => {
    reply = { status: 200, body: { result: { code: 'E102' } } };
    const said = await failureOf({ type: 'sms', url: `${base}/sms`, bodyTemplate: '{"to":"{{mobile}}","content":"{{text}}"}', successField: 'result.code', successValue: '0' });
    expect(said).toBe('2 人中 2 人未收到：138****0001 短信网关拒绝：result.code 为 "E102"，应为 "0"; 138****0002 短信网关拒绝：result.code 为 "E102"，应为 "0"');
  });

  it('nobody with a mobile number', async () => {
    expect(await failureOf({ type: 'sms', url: `${base}/sms`, bodyTemplate: '{"to":"{{mobile}}","content":"{{text}}"}' }, { ...message, recipients: [{ name: '王工', email: 'wang@example.com' }] })).toBe('收件人均未登记手机号');
  });

  it('says an unknown error as it was written', () => {
    expect(deliveryErrorText(zh, 'something new went wrong')).toBe('something new went wrong');
  });
});
