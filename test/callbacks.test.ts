/**
 * Callbacks are kept, not just dated (issue 13; 服务承诺 二.1(7): 服务完成后3个工作日内电话回访).
 * The real ticket service and alerting over one real SQLite file, an injected clock and a real
 * HTTP receiver: a resolved repair's callback is on time, then at risk with a reminder to the duty
 * manager, then breached with a second message; a callback made in time cancels both; the plan
 * survives a restart; the report counts what the customers said.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rosterSchema } from '../ingest/core/alerting/roster.ts';
import { ticketFigures } from '../ingest/core/reports/ticket-figures.ts';
import { startReceiver, ticketsWithAlerting } from './support/alerting-rig.ts';
import { tempDir } from './support/heatwatch.ts';

const ROSTER = rosterSchema.parse({
  people: [
    { id: 'zhang', name: '张工', mobile: '13800000001' },
    { id: 'wang', name: '王经理', mobile: '13800000009' },
  ],
  teams: [{ id: 'all', name: '值班', substations: '*', channels: ['hook'] }],
  shifts: [
    { team: 'all', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    { team: 'all', person: 'wang', role: 'manager', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
  ],
});

const H = 3_600_000;
/** Friday 11 December 2026, 10:00 Beijing time: the repair is called in. */
const T0 = Date.parse('2026-12-11T10:00:00+08:00');

/** HeatWatch's ticket service and alerting, wired as app.ts wires them, on one clock. */
const rig = (dataDir: string, receiverUrl: string, clock: { now: number }) => ticketsWithAlerting(dataDir, clock, { receiverUrl, roster: ROSTER, channels: ['hook'] });

/** A repair called in at `clock.now`, attended and resolved an hour later. */
async function resolvedRepair(r: Awaited<ReturnType<typeof rig>>, clock: { now: number }) {
  const t = await r.tickets.hotline({ type: 'repair', description: '暖气片漏水', address: '钢山街道 3-2-501', contact: '李女士 13900000002' }, 'dispatcher1');
  await r.tickets.step(t.id, 'acknowledge', 'zhang', {});
  await r.tickets.step(t.id, 'on_site', 'zhang', {});
  clock.now += H;
  const resolved = await r.tickets.step(t.id, 'resolve', 'zhang', { cause: '阀门老化，已更换' });
  await r.alerting.runNow();
  return resolved;
}

const callbackMessages = (received: { body: Record<string, unknown> }[]) => received.map((m) => m.body).filter((m) => String(m.title).startsWith('【回访'));

describe('the callback, 3 working days after the work was done', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('is on time, then at risk with a reminder to the duty manager, then breached with a second message; late in the report', async () => {
    const receiver = await startReceiver();
    closing.push(receiver.close);
    const dir = tempDir();
    const clock = { now: T0 };
    let r = await rig(dir, receiver.url, clock);
    const resolved = await resolvedRepair(r, clock);
    // Resolved Friday 11:00: Monday, Tuesday, Wednesday are the 3 working days (the weekend is not).
    expect(resolved.callbackDueAt).toBe(new Date(Date.parse('2026-12-16T23:59:59.999+08:00')).toISOString());
    expect(resolved).toMatchObject({ callbackState: 'on_time', resolvedAt: new Date(T0 + H).toISOString() });
    const due = Date.parse(resolved.callbackDueAt!);
    const remindAt = T0 + H + (due - (T0 + H)) * 0.75;

    // A restart before anything is due: the plan is in the file, not in memory.
    await r.close();
    clock.now = remindAt - 60_000;
    r = await rig(dir, receiver.url, clock);
    closing.push(r.close);
    await r.alerting.runNow();
    expect(callbackMessages(receiver.received)).toEqual([]);
    expect((await r.tickets.find(resolved.id))!.callbackState).toBe('on_time');

    clock.now = remindAt;
    await r.alerting.runNow();
    const [reminder] = callbackMessages(receiver.received);
    expect((await r.tickets.find(resolved.id))!.callbackState).toBe('at_risk');
    expect(String(reminder!.title)).toBe('【回访提醒】【报修】钢山街道 3-2-501 · 12-16 23:59 前电话回访');
    // To the duty manager, who sees that dispatch calls; what to say and whom to call are in it.
    expect((reminder!.recipients as { name: string }[]).map((p) => p.name)).toEqual(['王经理']);
    expect(String(reminder!.text)).toContain('处理结果：阀门老化，已更换');
    expect(String(reminder!.text)).toContain('联系方式：李女士 13900000002');
    // There is nothing to acknowledge in a callback reminder: no link to do so.
    expect(reminder!.ackLink).toBeNull();

    clock.now = due + 1;
    await r.alerting.runNow();
    expect(callbackMessages(receiver.received).map((m) => String(m.title).slice(0, 6))).toEqual(['【回访提醒】', '【回访超时】']);
    expect((await r.tickets.find(resolved.id))!.callbackState).toBe('breached');
    expect((await r.tickets.get(resolved.id)).timeline.filter((e) => e.action === 'notified').map((e) => e.data)).toEqual(
      expect.arrayContaining([expect.objectContaining({ alert: 'callback_reminder' }), expect.objectContaining({ alert: 'callback_breach' })]),
    );

    // Called the next morning: done, but late; the customer was not satisfied.
    clock.now = due + 9 * H;
    const called = await r.tickets.step(resolved.id, 'callback', 'dispatcher1', { satisfaction: 'dissatisfied', calledNumber: '13900000002' });
    expect(called).toMatchObject({ status: 'callback_done', callbackState: 'breached', satisfaction: 'dissatisfied' });
    const month = { from: Date.parse('2026-12-01T00:00:00+08:00'), to: Date.parse('2027-01-01T00:00:00+08:00') };
    const figures = ticketFigures(await r.ticketStore.forReport(month.from, month.to), month, clock.now);
    expect(figures.callbacks).toEqual({ due: 1, done: 1, onTime: 0, late: 1, satisfied: 0, basicallySatisfied: 0, dissatisfied: 1, satisfactionRate: 0 });
  });

  it('made in time, it cancels the reminder and the breach message', async () => {
    const receiver = await startReceiver();
    closing.push(receiver.close);
    const clock = { now: T0 };
    const r = await rig(tempDir(), receiver.url, clock);
    closing.push(r.close);
    const resolved = await resolvedRepair(r, clock);
    clock.now += 20 * H;
    expect((await r.tickets.step(resolved.id, 'callback', 'dispatcher1', { satisfaction: 'satisfied', calledNumber: '13900000002' })).callbackState).toBe('met');
    clock.now = Date.parse(resolved.callbackDueAt!) + H;
    await r.alerting.runNow();
    expect(callbackMessages(receiver.received)).toEqual([]);
    expect((await r.alerting.deliveriesFor(resolved.id)).filter((d) => d.kind.startsWith('callback'))).toEqual([]);
  });

  it('sends nothing when the policy turns callback messages off, and is still breached', async () => {
    const receiver = await startReceiver();
    closing.push(receiver.close);
    const clock = { now: T0 };
    const r = await rig(tempDir(), receiver.url, clock);
    closing.push(r.close);
    await r.alerting.putPolicy({ ...(await r.alerting.policy()), callbacks: false });
    const resolved = await resolvedRepair(r, clock);
    clock.now = Date.parse(resolved.callbackDueAt!) + H;
    await r.alerting.runNow();
    expect(callbackMessages(receiver.received)).toEqual([]);
    // Still breached on the queue and in the report: the policy only silences the messages.
    expect((await r.tickets.find(resolved.id))!.callbackState).toBe('breached');
  });
});
