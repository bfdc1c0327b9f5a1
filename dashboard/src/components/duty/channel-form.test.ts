import { describe, expect, it } from 'vitest';
import { channelBody, draftFromChannel, headersToText, newChannelDraft, REDACTED, textToHeaders, withType } from './channel-form.ts';
import type { Channel } from './duty-types.ts';

const stored = (config: Channel['config']): Channel => ({ id: 'ch-1', name: '一班群', enabled: true, config, createdAt: '2026-12-01T00:00:00.000Z' });

describe('channel form', () => {
  it('sends back an untouched secret as "••••" so the server keeps it, and a new one as typed', () => {
    const d = draftFromChannel(stored({ type: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${REDACTED}`, secret: REDACTED, timeoutMs: 10_000 }));
    expect(d.values.secret).toBe('');
    expect(d.secretsSet).toEqual(['secret']);
    expect(channelBody(d)).toEqual({
      body: { name: '一班群', enabled: true, config: { type: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${REDACTED}`, secret: REDACTED, timeoutMs: 10_000 } },
    });
    d.values.secret = 'SECnew';
    d.values.url = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
    const out = channelBody(d);
    expect('body' in out && out.body.config).toEqual({ type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECnew', timeoutMs: 10_000 });
  });

  it('leaves out a secret that was never set and is left empty', () => {
    const d = draftFromChannel(stored({ type: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${REDACTED}`, timeoutMs: 10_000 }));
    const out = channelBody(d);
    expect('body' in out && out.body.config).toEqual({ type: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${REDACTED}`, timeoutMs: 10_000 });
  });

  it('e-mail: port as a number, the TLS switch, the masked password kept, settings the form does not show kept', () => {
    const d = draftFromChannel(stored({ type: 'email', host: 'smtp.example.com', port: 465, secure: true, user: 'alerts', pass: REDACTED, from: 'alerts@example.com', ignoreTLS: false, timeoutMs: 5000 }));
    expect(d.values).toMatchObject({ host: 'smtp.example.com', port: '465', secure: true, pass: '' });
    expect(d.rest).toEqual({ ignoreTLS: false, timeoutMs: 5000 });
    d.values.port = '587';
    d.values.secure = false;
    const out = channelBody(d);
    expect('body' in out && out.body.config).toEqual({ type: 'email', host: 'smtp.example.com', port: 587, secure: false, user: 'alerts', pass: REDACTED, from: 'alerts@example.com', ignoreTLS: false, timeoutMs: 5000 });
  });

  it('headers are edited as "Name: value" lines; masked values stay masked', () => {
    const d = draftFromChannel(stored({ type: 'webhook', url: 'http://127.0.0.1:9/', headers: { Authorization: REDACTED }, timeoutMs: 10_000 }));
    expect(d.values.headers).toBe(`Authorization: ${REDACTED}`);
    d.values.headers = `Authorization: ${REDACTED}\nX-Team:  north `;
    const out = channelBody(d);
    expect('body' in out && out.body.config.headers).toEqual({ Authorization: REDACTED, 'X-Team': 'north' });
    expect(textToHeaders('no colon here')).toBe(null);
    expect(textToHeaders(': value')).toBe(null);
    expect(headersToText(undefined)).toBe('');
  });

  it('a new channel gets a free id and its type\'s defaults; required fields and a bad id are refused before sending', () => {
    const d = newChannelDraft('sms', ['sms-1']);
    expect(d.id).toBe('sms-2');
    expect(d.values.bodyTemplate).toBe('{"phone":"{{mobile}}","content":"{{text}}"}');
    const email = withType(d, 'email', ['sms-1']);
    expect(email.id).toBe('email-1');
    expect(email.values).toMatchObject({ port: '465', secure: true, host: '' });
    expect(withType({ ...d, id: 'gateway' }, 'webhook', []).id).toBe('gateway');
    email.id = 'bad id';
    expect(channelBody(email)).toEqual({
      errors: { id: 'duty.channel.error.id', name: 'duty.channel.error.required', host: 'duty.channel.error.required', from: 'duty.channel.error.required' },
    });
    email.values.port = '0';
    expect(channelBody(email)).toMatchObject({ errors: { port: 'duty.channel.error.number' } });
  });
});
