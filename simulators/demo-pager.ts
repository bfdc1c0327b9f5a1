/**
 * The demo's on-call engineer is the terminal: a webhook channel to a receiver in this process,
 * and a roster with 张工 on duty for every substation and 王经理 as duty manager, so a newcomer
 * sees a page arrive (and an escalation) without setting up WeCom or SMS; and a customer channel
 * whose notices (a heat stop told to its households) print as one line per round. Set up through
 * the same API an admin uses.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeatWatchClient } from './heatwatch-client.ts';

export interface Page {
  title: string;
  text: string;
  link: string;
  ackLink: string | null;
  recipients: { name: string }[];
}

/** What the customers of one stop were told: one line however many households. */
export interface NoticeRound {
  households: number;
  text: string;
}

export interface ConsolePager {
  close(): Promise<void>;
}

/** Notices of one change arrive together: gathered this long, then printed once. */
const NOTICE_GATHER_MS = 1_500;

const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7];
export const DEMO_ROSTER = {
  people: [
    { id: 'zhang', name: '张工', mobile: '13800000001' },
    { id: 'wang', name: '王经理', mobile: '13800000009' },
  ],
  teams: [
    { id: 'repair', name: '抢修班（演示）', substations: '*', channels: ['demo-terminal'] },
    { id: 'managers', name: '干部值班（演示）', substations: '*', channels: ['demo-terminal'] },
  ],
  shifts: [
    { team: 'repair', person: 'zhang', role: 'engineer', weekdays: ALL_WEEK, start: '00:00', end: '00:00' },
    { team: 'managers', person: 'wang', role: 'manager', weekdays: ALL_WEEK, start: '00:00', end: '00:00' },
  ],
};

export async function startConsolePager(o: {
  apiUrl: string;
  username: string;
  password: string;
  print: (page: Page) => void;
  /** Customer notices (a stop, its change, heat back), gathered per wording; without it the demo tells no customer. */
  printNotices?: (round: NoticeRound) => void;
}): Promise<ConsolePager> {
  const rounds = new Map<string, { households: Set<string>; timer: ReturnType<typeof setTimeout> }>();
  const gather = (notice: { householdId: string; text: string }) => {
    const round = rounds.get(notice.text) ?? {
      households: new Set<string>(),
      timer: setTimeout(() => {
        rounds.delete(notice.text);
        o.printNotices?.({ households: round.households.size, text: notice.text });
      }, NOTICE_GATHER_MS),
    };
    round.households.add(notice.householdId);
    rounds.set(notice.text, round);
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      try {
        const body = JSON.parse(raw) as Page & { type?: string; householdId: string; text: string };
        if (body.type === 'customer_notice') gather(body);
        else o.print(body);
      } catch {
        // Not a page: nothing to show.
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;

  const client = await HeatWatchClient.login(o.apiUrl, o.username, o.password);
  await client.call('PUT', '/api/alerting/channels/demo-terminal', { name: '演示终端 demo terminal', config: { type: 'webhook', url } });
  await client.call('PUT', '/api/alerting/roster', DEMO_ROSTER);
  if (o.printNotices) {
    // The customers' "SMS gateway": the terminal too, one line per round of notices.
    await client.call('PUT', '/api/alerting/channels/demo-customers', { name: '演示用户通知 demo customer notices', config: { type: 'webhook', url: url.replace(/page$/, 'notice'), customerNotices: true } });
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of rounds.values()) clearTimeout(r.timer);
        server.close(() => resolve());
      }),
  };
}
