import { describe, expect, it } from 'vitest';
import { I18n } from '../i18n/i18n.svelte.ts';
import { ApiClient, ApiError } from './api-client.ts';
import { apiErrorText } from './api-error-text.ts';

const zh = new I18n(null);

/** A client whose server refuses every request as given, saying it in Chinese as the dashboard does. */
function refusing(status: number, code: string, message: string) {
  return new ApiClient({
    token: () => 't',
    onUnauthorized: () => undefined,
    fetch: async () => new Response(JSON.stringify({ error: { code, message } }), { status }),
    describe: (c, m) => apiErrorText(zh, c, m),
  });
}

async function refusal(client: ApiClient): Promise<ApiError> {
  try {
    await client.post('/api/anything', {});
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('not refused');
}

describe("the server's refusals, in the reader's language", () => {
  it('says what a code means in Chinese, and keeps the English for what parses it', async () => {
    const e = await refusal(refusing(409, 'HW_TICKET_STEP', 'cannot resolve a ticket that is closed'));
    expect(e.message).toBe('工单当前的状态不允许这一步（可能已被他人处理，请刷新查看）');
    expect(e.serverMessage).toBe('cannot resolve a ticket that is closed');
    expect(e.code).toBe('HW_TICKET_STEP');
  });

  it('keeps the specifics of a bad field or a conflict, after the sentence', async () => {
    expect((await refusal(refusing(400, 'HW_BAD_REQUEST', 'people.0.mobile: digits only'))).message).toBe('填写的内容有误（people.0.mobile: digits only）');
    // The generic message adds nothing: the sentence alone.
    expect((await refusal(refusing(409, 'HW_CONFLICT', 'Not possible in the current state'))).message).toBe('当前状态下不能这样做');
    expect((await refusal(refusing(403, 'HW_FORBIDDEN', 'only admin, dispatcher may do this'))).message).toBe('当前角色无权执行此操作');
  });

  it("says a channel's failure in words", async () => {
    expect((await refusal(refusing(502, 'HW_CHANNEL_FAILED', 'webhook: could not reach the receiver (ECONNREFUSED)'))).message).toBe('通知渠道拒收或无应答（无法连接接收方（ECONNREFUSED））');
  });

  it('says an unreachable server, and leaves a code it does not know as the server said it', async () => {
    const offline = new ApiClient({ token: () => null, onUnauthorized: () => undefined, fetch: async () => Promise.reject(new TypeError('fetch failed')), describe: (c, m) => apiErrorText(zh, c, m) });
    expect((await refusal(offline)).message).toBe('无法连接服务器，请检查网络');
    expect((await refusal(refusing(418, 'HW_TEAPOT', 'I am a teapot'))).message).toBe('I am a teapot');
  });

  it('follows the language switch', () => {
    const en = new I18n(null);
    en.toggle();
    expect(apiErrorText(en, 'HW_FORBIDDEN', 'x')).toBe('Your role does not allow this');
  });
});
