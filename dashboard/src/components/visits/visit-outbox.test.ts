import { describe, expect, it } from 'vitest';
import { bodyOf, keepDraft, outcomeOf, pendingForms, readKept, resendPending, sendKept, type DraftStorage } from './visit-outbox.ts';
import type { FormDraft } from './visit-form.ts';

/** The browser's storage as a plain object: what the module keeps, and nothing else. */
class FakeStorage implements DraftStorage {
  items = new Map<string, string>();
  full = false;
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

const SIGNATURE = 'data:image/png;base64,iVBORw0KGgo=';
const draft = (over: Partial<FormDraft> = {}): FormDraft => ({ rooms: [{ room: '卧室', temp: '17.2', deviceId: 'R-1' }], signature: SIGNATURE, refused: false, reason: '', neighbourId: '', neighbourTemp: '', ...over });
const T0 = Date.parse('2026-12-10T02:00:00.000Z');
/** What the API client throws: `status` 0 without an answer. */
const failure = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

/** A server that answers from a script, recording what it was sent. */
function server(...answers: (number | 'ok')[]) {
  const sent: { visitId: string; body: object }[] = [];
  const send = async (visitId: string, body: object) => {
    sent.push({ visitId, body });
    const a = answers.shift() ?? 'ok';
    if (a !== 'ok') throw failure(a);
    return { id: visitId, status: 'done' };
  };
  return { sent, send };
}

describe('the visit form kept on the phone', () => {
  it('tells a way that failed from a form that was refused', () => {
    expect([0, 500, 502, 503, 408, 429].map((s) => outcomeOf(failure(s)))).toEqual(['kept', 'kept', 'kept', 'kept', 'kept', 'kept']);
    expect(outcomeOf(new TypeError('Failed to fetch'))).toBe('kept');
    expect([400, 404, 413].map((s) => outcomeOf(failure(s)))).toEqual(['refused', 'refused', 'refused']);
    expect(outcomeOf(failure(409))).toBe('already');
  });

  it('keeps the form as it is typed, per visit, the signature with it', () => {
    const storage = new FakeStorage();
    keepDraft(storage, 'V-000001', draft({ signature: null }));
    keepDraft(storage, 'V-000001', draft());
    keepDraft(storage, 'V-000002', draft({ rooms: [{ room: '客厅', temp: '18', deviceId: null }] }));
    expect(readKept(storage, 'V-000001')).toEqual({ visitId: 'V-000001', draft: draft(), pending: false, sentAt: null });
    expect(readKept(storage, 'V-000002')?.draft.rooms[0]?.room).toBe('客厅');
    expect(readKept(storage, 'V-000003')).toBeNull();
    storage.setItem('heatwatch.visit-form.V-000004', '{not json');
    expect(readKept(storage, 'V-000004')).toBeNull();
    expect(pendingForms(storage)).toEqual([]);
  });

  it('clears the form once it arrived', async () => {
    const storage = new FakeStorage();
    const { sent, send } = server('ok');
    const r = await sendKept(storage, 'V-000001', T0, send, draft());
    expect(r).toMatchObject({ outcome: 'sent', answer: { id: 'V-000001', status: 'done' } });
    expect(sent[0]!.body).toEqual({ measurements: [{ room: '卧室', temp: 17.2, deviceId: 'R-1' }], signature: SIGNATURE });
    expect(storage.items.size).toBe(0);
  });

  it('keeps a form that did not arrive and sends it again, saying when the visit was, until it arrives', async () => {
    const storage = new FakeStorage();
    const { sent, send } = server(0, 503, 'ok');
    expect((await sendKept(storage, 'V-000001', T0, send, draft())).outcome).toBe('kept');
    expect(readKept(storage, 'V-000001')).toMatchObject({ pending: true, sentAt: T0 });
    // Typing on while waiting keeps it waiting.
    keepDraft(storage, 'V-000001', draft({ rooms: [{ room: '卧室', temp: '17.4', deviceId: 'R-1' }] }));
    expect(pendingForms(storage).map((k) => k.visitId)).toEqual(['V-000001']);

    expect(await resendPending(storage, T0 + 30_000, send)).toMatchObject([{ visitId: 'V-000001', outcome: 'kept' }]);
    expect(readKept(storage, 'V-000001')?.sentAt).toBe(T0);
    expect(await resendPending(storage, T0 + 60_000, send)).toMatchObject([{ visitId: 'V-000001', outcome: 'sent' }]);
    expect(sent.map((s) => s.body)).toEqual([
      { measurements: [{ room: '卧室', temp: 17.2, deviceId: 'R-1' }], signature: SIGNATURE },
      { measurements: [{ room: '卧室', temp: 17.4, deviceId: 'R-1' }], signature: SIGNATURE, at: '2026-12-10T02:00:00.000Z' },
      { measurements: [{ room: '卧室', temp: 17.4, deviceId: 'R-1' }], signature: SIGNATURE, at: '2026-12-10T02:00:00.000Z' },
    ]);
    expect(storage.items.size).toBe(0);
    expect(await resendPending(storage, T0 + 90_000, send)).toEqual([]);
  });

  it('keeps a refused form as typed but does not send it again by itself', async () => {
    const storage = new FakeStorage();
    const { sent, send } = server(0, 400);
    await sendKept(storage, 'V-000001', T0, send, draft());
    const refused = await resendPending(storage, T0 + 30_000, send);
    expect(refused).toMatchObject([{ visitId: 'V-000001', outcome: 'refused', error: { status: 400 } }]);
    expect(readKept(storage, 'V-000001')).toEqual({ visitId: 'V-000001', draft: draft(), pending: false, sentAt: null });
    expect(await resendPending(storage, T0 + 60_000, send)).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('clears a form the server says was recorded already (409)', async () => {
    const storage = new FakeStorage();
    const { send } = server(502, 409);
    await sendKept(storage, 'V-000001', T0, send, draft());
    expect(await resendPending(storage, T0 + 30_000, send)).toMatchObject([{ outcome: 'already' }]);
    expect(storage.items.size).toBe(0);
  });

  it('says what the form lacks before sending anything, and stops resending it', async () => {
    const storage = new FakeStorage();
    const { sent, send } = server();
    expect(await sendKept(storage, 'V-000001', T0, send, draft({ signature: null }))).toEqual({ outcome: 'refused', error: 'visit.error.sign' });
    expect(sent).toEqual([]);
    expect(readKept(storage, 'V-000001')?.pending).toBe(false);
  });

  it('still sends once when the phone keeps nothing (storage full)', async () => {
    const storage = new FakeStorage();
    storage.full = true;
    const { sent, send } = server(0);
    expect((await sendKept(storage, 'V-000001', T0, send, draft())).outcome).toBe('kept');
    expect(sent).toHaveLength(1);
    expect(pendingForms(storage)).toEqual([]);
  });

  it('adds the time of the visit only to a resend', () => {
    expect(bodyOf({ visitId: 'V-1', draft: draft(), pending: false, sentAt: T0 })).toEqual({ body: { measurements: [{ room: '卧室', temp: 17.2, deviceId: 'R-1' }], signature: SIGNATURE } });
    expect(bodyOf({ visitId: 'V-1', draft: draft(), pending: true, sentAt: T0 })).toMatchObject({ body: { at: '2026-12-10T02:00:00.000Z' } });
  });
});
