/**
 * What the map overlays show (tooltip, legend counts, tile notice, test attributes), fed by the
 * LiveMap's events. The markers themselves are canvas, outside Svelte: only these few values
 * cross into the DOM, at most a few times a second.
 */
import { MARKER_STATES } from '../../state/marker-state.ts';
import type { Hover } from './marker-canvas.ts';
import type { LiveMapEvents } from './live-map.ts';

export class MapStatus implements Omit<LiveMapEvents, 'onSelect'> {
  hover = $state.raw<Hover | null>(null);
  /** Devices per state over the fleet, in MARKER_STATES order. */
  counts = $state.raw<readonly number[]>(MARKER_STATES.map(() => 0));
  /** Devices on the map (indexed). */
  markers = $state(0);
  /** Points plus clusters in the last drawing. */
  drawn = $state(0);
  /** The last drawing's view: "zoom x y", the container's top-left in world pixels. */
  view = $state('');
  tilesFailed = $state(false);

  onHover = (hover: Hover | null): void => {
    this.hover = hover;
  };

  onCounts = (counts: readonly number[], markers: number): void => {
    this.counts = [...counts];
    this.markers = markers;
  };

  onDrawn = ({ drawn, view }: { drawn: number; view: string }): void => {
    this.drawn = drawn;
    this.view = view;
  };

  onTilesFailed = (failed: boolean): void => {
    this.tilesFailed = failed;
  };
}
