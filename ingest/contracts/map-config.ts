/**
 * The dashboard's base map (issue 5), chosen by the operator in the environment and handed to
 * the browser by `GET /api/map`: any XYZ tile URL, or a preset. Sensors report WGS-84; a tile
 * source drawn in GCJ-02 (AMap, and most Chinese commercial maps) needs the positions shifted
 * onto it, which the dashboard does when `coords` says so. Tianditu (天地图) is WGS-84/CGCS2000.
 * With no tiles (the default, and what a network without internet access gets) the map still
 * works on a plain background.
 */
export type MapCoords = 'wgs84' | 'gcj02';

export interface TileLayer {
  /** XYZ template: {z} {x} {y}, optionally {s} for a subdomain. */
  url: string;
  subdomains: string;
  attribution: string;
  maxZoom: number;
}

export interface MapConfig {
  /** Base layers drawn bottom to top (Tianditu's map and its labels are two); empty: none. */
  layers: TileLayer[];
  coords: MapCoords;
  /** Where to look before any device is known (Zoucheng, Shandong). */
  center: { lat: number; lng: number };
}

export const MAP_PRESETS = ['none', 'osm', 'tianditu', 'amap'] as const;
export type MapPreset = (typeof MAP_PRESETS)[number];

const TIANDITU = (layer: 'vec' | 'cva', key: string): TileLayer => ({
  url: `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
  subdomains: '01234567',
  attribution: '© 天地图 Tianditu',
  maxZoom: 18,
});

export const DEFAULT_MAP_CENTER = { lat: 35.405, lng: 116.966 };

/** `tiles`: a preset name or an XYZ URL template; `coords` applies to a custom URL only. */
export function resolveMapConfig(tiles: string, key: string | undefined, coords: MapCoords, center = DEFAULT_MAP_CENTER): MapConfig {
  switch (tiles) {
    case 'none':
      return { layers: [], coords: 'wgs84', center };
    case 'osm':
      return { layers: [{ url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', subdomains: '', attribution: '© OpenStreetMap contributors', maxZoom: 19 }], coords: 'wgs84', center };
    case 'tianditu':
      return { layers: [TIANDITU('vec', key ?? ''), TIANDITU('cva', key ?? '')], coords: 'wgs84', center };
    case 'amap':
      return {
        layers: [{ url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}', subdomains: '1234', attribution: '© 高德地图 AMap', maxZoom: 18 }],
        coords: 'gcj02',
        center,
      };
    default:
      return { layers: [{ url: tiles, subdomains: 'abc', attribution: '', maxZoom: 19 }], coords, center };
  }
}

/**
 * Where the browser fetches the map's tiles from, as Content-Security-Policy sources: the tile
 * host, with a `{s}` subdomain label as `*` (`https://*.tianditu.gov.cn`).
 */
export function tileImageSources(map: MapConfig): string[] {
  return [
    ...new Set(
      map.layers.map((layer) => {
        const m = /^(https?):\/\/([^/?#]+)/.exec(layer.url);
        if (!m) return 'https:';
        const labels = m[2]!.split('.');
        if (labels.slice(1).some((l) => l.includes('{'))) return `${m[1]}:`; // a placeholder deeper in: the whole scheme
        if (labels[0]!.includes('{')) labels[0] = '*';
        return `${m[1]}://${labels.join('.')}`;
      }),
    ),
  ];
}
