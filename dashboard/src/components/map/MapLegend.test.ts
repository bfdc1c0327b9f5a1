import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import MapLegend from './MapLegend.svelte';

afterEach(() => {
  cleanup();
});

const memory = () => {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
};

describe('map legend', () => {
  it('names every state with its count over the fleet, and folds away', async () => {
    const i18n = new I18n(memory());
    // MARKER_STATES order: ticket, cold, offline, dataQuality, ok, noData
    render(MapLegend, { i18n, counts: [3, 12, 1, 0, 1184, 2], roomLowC: 18 });
    const legend = screen.getByTestId('map-legend');
    expect(legend.querySelector('[data-state="cold"]')?.textContent).toContain('低于 18℃');
    expect(legend.querySelector('[data-state="cold"]')?.textContent).toContain('12');
    expect(legend.querySelector('[data-state="ok"]')?.textContent).toContain('1,184');
    expect(legend.textContent).toContain('共 1,202 个');

    const toggle = screen.getByRole('button', { name: /图例/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(legend.querySelector('[data-state="cold"]')).toBeNull();
  });

  it('speaks English when switched', async () => {
    const i18n = new I18n(memory());
    i18n.locale = 'en';
    // A company that promises 20 °C sees its own number.
    render(MapLegend, { i18n, counts: [0, 0, 0, 0, 5, 0], roomLowC: 20 });
    expect(screen.getByTestId('map-legend').textContent).toContain('Below 20 °C');
    expect(screen.getByTestId('map-legend').textContent).toContain('5 in all');
  });
});
