// Map: the trip's places with coordinates on an OpenStreetMap map (Leaflet, vendored in
// ui/vendor/leaflet). Unplanned places get a highlighted marker. The map is built once and
// only its markers are redrawn on live changes, so panning and zoom survive.

import { h } from '../dom.js';
import { t } from '../public/i18n.js';
import { emptyState } from './kit.js';

let leaflet = null;
let map = null;
let layer = null;
let lastKey = null;
let container = null;
let empty = null;
let failure = null;

export default {
  id: 'map',
  title: () => t('map.title'),
  area: 'side',
  ops: ['get_trip_summary'],
  mount(body) {
    container = h('div', { id: 'trip-map', class: 'trip-map', role: 'region', 'aria-label': t('map.label') });
    empty = emptyState(t('map.empty'), t('map.emptyHint'));
    failure = h('p', { class: 'error', role: 'alert', hidden: true });
    body.append(empty, container, failure,
      h('p', { class: 'map-legend small muted', 'aria-hidden': 'true' },
        h('span', { class: 'pin' }), ` ${t('map.legendPlanned')}  `,
        h('span', { class: 'pin unassigned' }), ` ${t('map.legendUnplanned')}`));
    lastKey = null;
  },
  render(body, ctx) {
    const placed = ctx.summary.places.filter((p) => p.lat !== null && p.lng !== null);
    empty.hidden = placed.length > 0;
    container.hidden = placed.length === 0;
    const key = JSON.stringify(placed.map((p) => [p.id, p.lat, p.lng, p.name, p.unassigned]));
    if (key === lastKey || placed.length === 0) return;
    lastKey = key;
    draw(placed).catch((error) => {
      failure.textContent = t('map.loadFailed', { message: error?.message ?? String(error) });
      failure.hidden = false;
    });
  },
  unmount() {
    map?.remove();
    map = null;
    layer = null;
  },
};

async function draw(placed) {
  // Loaded on first use: half a megabyte nobody needs before a place has coordinates.
  leaflet ??= await import('../vendor/leaflet/leaflet-src.esm.js');
  const L = leaflet;
  if (!map || !container.isConnected || map.getContainer() !== container) {
    map?.remove();
    map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    layer = L.layerGroup().addTo(map);
  }
  layer.clearLayers();
  for (const p of placed) {
    const icon = L.divIcon({ className: `pin${p.unassigned ? ' unassigned' : ''}`, iconSize: [16, 16] });
    // `title` names the marker for screen readers and on hover.
    L.marker([p.lat, p.lng], { icon, title: p.name, alt: p.name, keyboard: true })
      .bindPopup(() => h('strong', {}, p.name))
      .addTo(layer);
  }
  const bounds = L.latLngBounds(placed.map((p) => [p.lat, p.lng]));
  map.fitBounds(bounds.pad(0.2), { maxZoom: 15 });
  // The container may have been hidden when the map was made.
  map.invalidateSize();
}
