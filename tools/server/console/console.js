// The dispatcher's console: the island's roads drawn from Siaga's own graph (no tile server), the
// hazard zones with their switches, the facilities, the units live in their status colours; a
// click on the map asks /v1/recommend and draws the routes; one click dispatches. Live coverage
// from the available units, the streets outside a target, and the suggested move-ups.
// Every string a person reads comes from i18n/{id,en}.json through t(); Bahasa Indonesia unless
// the reader switched to English (kept in this browser), numbers in the reader's locale.
'use strict';

const lang = localStorage.getItem('siaga-lang') === 'en' ? 'en' : 'id';
const locale = lang === 'id' ? 'id-ID' : 'en-GB';
let strings = {};
// The string for `key` with {name} filled from `vars`; the key itself when a file lacks it.
function t(key, vars = {}) {
  return (strings[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}
const translated = (prefix, name) => (strings[`${prefix}.${name}`] ? t(`${prefix}.${name}`) : name);
const number = (x, digits = 1) =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(x);

// The page's own words: data-i18n (text), data-i18n-placeholder, data-i18n-aria (aria-label).
function translatePage() {
  document.documentElement.lang = lang;
  document.title = t('title');
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => {
    e.placeholder = t(e.dataset.i18nPlaceholder);
  });
  document.querySelectorAll('[data-i18n-aria]').forEach((e) => {
    e.setAttribute('aria-label', t(e.dataset.i18nAria));
  });
}

const statusColours = {
  available: '#1e8449', dispatched: '#c0392b', en_route: '#e67e22', on_scene: '#8e44ad',
  transporting: '#2471a3', returning: '#17a589', out_of_service: '#555555', relocating: '#b7950b',
  stale: '#aab7b8',
};
const roadWeights = { motorway: 3, trunk: 3, primary: 2.5, secondary: 2, tertiary: 1.5 };

const map = L.map('map', { preferCanvas: true, zoomControl: true }).setView([-3.66, 128.18], 11);
L.control.scale({ imperial: false }).addTo(map);
// Land below everything else (its own pane and canvas): the sea is the map's background.
map.createPane('land').style.zIndex = 250;
const layers = {
  land: L.layerGroup().addTo(map),
  labels: L.layerGroup().addTo(map),
  villages: L.layerGroup(),
  roads: L.layerGroup().addTo(map),
  hazards: L.layerGroup().addTo(map),
  facilities: L.layerGroup().addTo(map),
  routes: L.layerGroup().addTo(map),
  uncovered: L.layerGroup().addTo(map),
  units: L.layerGroup().addTo(map),
  incident: L.layerGroup().addTo(map),
  cameras: L.layerGroup().addTo(map),
};
const el = (id) => document.getElementById(id);
const state = { unitMarkers: new Map(), lastRecommendation: null, seenIncidents: null,
                alerts: 0 };

function setStatus(text) { el('status').textContent = text || ''; }

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || body.message || `HTTP ${response.status}`);
  return body;
}

// Writes (dispatch, hazard switches) may need the server's token (siaga serve --token-file):
// asked once on a 401, kept for this browser tab only.
async function post(path, body, retried) {
  const headers = { 'Content-Type': 'application/json' };
  const token = sessionStorage.getItem('siaga-token');
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await api(path, { method: 'POST', headers, body: JSON.stringify(body || {}) });
  } catch (error) {
    if (retried || !/Authorization/.test(error.message)) throw error;
    const given = window.prompt(t('token.prompt'));
    if (!given) throw error;
    sessionStorage.setItem('siaga-token', given.trim());
    return post(path, body, true);
  }
}

async function drawRoads() {
  const network = await api('/v1/network');
  L.geoJSON(network, {
    style: (f) => ({ color: '#4d5d6b', weight: roadWeights[f.properties.road_class] || 1,
                     opacity: 0.7 }),
    interactive: false,
  }).addTo(layers.roads);
  map.fitBounds(L.geoJSON(network).getBounds());
  const label = el('dataset');
  label.textContent = t(network.schematic ? 'dataset.schematic' : 'dataset.osm',
                        { dataset: network.dataset });
  label.classList.toggle('schematic', !!network.schematic);
}

// The land layer when the data has one (the schematic island's coastline), and the names of the
// kecamatan (always) and of the villages (from zoom 13).
async function drawLand() {
  const land = await api('/v1/land');
  L.geoJSON(land, { pane: 'land', renderer: L.canvas({ pane: 'land' }), interactive: false,
                    style: { color: '#a39e8c', weight: 1, fillColor: '#f4f1e6', fillOpacity: 1 } })
    .addTo(layers.land);
  const labels = await api('/v1/labels');
  for (const feature of labels.features) {
    const [lon, lat] = feature.geometry.coordinates;
    const area = feature.properties.kind === 'kecamatan';
    L.tooltip({ permanent: true, direction: 'center', interactive: false,
                className: area ? 'label-area' : 'label-village' })
      .setLatLng([lat, lon]).setContent(area ? feature.properties.name.toUpperCase()
                                              : feature.properties.name)
      .addTo(area ? layers.labels : layers.villages);
  }
  const showVillages = () => {
    if (map.getZoom() >= 13) layers.villages.addTo(map);
    else layers.villages.remove();
  };
  map.on('zoomend', showVillages);
  showVillages();
}

async function drawFacilities() {
  const facilities = await api('/v1/facilities');
  L.geoJSON(facilities, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, {
      radius: 4, color: '#10344a', weight: 1, fillColor: '#fff', fillOpacity: 1 }),
    onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.name} (${f.properties.kind})`),
  }).addTo(layers.facilities);
}

async function loadHazards() {
  const zones = await api('/v1/hazards');
  layers.hazards.clearLayers();
  const list = el('hazards');
  list.replaceChildren();
  for (const feature of zones.features) {
    const p = feature.properties;
    L.geoJSON(feature, { style: { color: p.active ? '#c0392b' : '#7f8c8d', weight: 1,
                                  dashArray: p.active ? null : '4', fillOpacity: p.active ? 0.35 : 0.05 },
                         interactive: false }).addTo(layers.hazards);
    const item = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = p.active;
    box.dataset.zone = p.id;
    box.addEventListener('change', () => toggleHazard(p.id, box.checked));
    const label = document.createElement('label');
    label.append(box, ` ${p.name}`);
    item.append(label);
    list.append(item);
  }
}

async function toggleHazard(id, active) {
  try {
    await post(`/v1/hazards/${encodeURIComponent(id)}/${active ? 'activate' : 'deactivate'}`);
    await loadHazards();
    await refreshCoverage();
    if (state.lastRecommendation) await recommend();
  } catch (error) { setStatus(t('hazards.failed', { id, error: error.message })); }
}

function unitColour(unit) { return statusColours[unit.stale ? 'stale' : unit.status] || '#000'; }

async function refreshUnits() {
  try {
    const answer = await api('/v1/units');
    let positioned = 0;
    for (const unit of answer.units) {
      if (!unit.fix) continue;
      positioned += 1;
      const at = [unit.fix.lat, unit.fix.lon];
      let marker = state.unitMarkers.get(unit.id);
      if (!marker) {
        marker = L.circleMarker(at, { radius: 6, weight: 2, color: '#fff', fillOpacity: 1 })
          .addTo(layers.units);
        state.unitMarkers.set(unit.id, marker);
      }
      marker.setLatLng(at);
      marker.setStyle({ fillColor: unitColour(unit) });
      marker.bindTooltip(`${unit.call_sign} — ${translated('status', unit.stale ? 'stale' : unit.status)}`);
    }
    el('units-count').textContent = t('units.count', { positioned, total: answer.units.length });
    renderUnitBoard(answer.units);
    el('units-count').dataset.positioned = positioned;
    el('connection').textContent = '';
  } catch (error) {
    el('connection').textContent = t('connection.lost', { error: error.message });
  }
}

function drawLegend() {
  for (const [status, colour] of Object.entries(statusColours)) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour;
    item.append(swatch, translated('status', status));
    el('legend').append(item);
  }
}

async function loadIncidentTypes() {
  const answer = await api('/v1/incident-types');
  for (const type of answer.incident_types) {
    const option = document.createElement('option');
    option.value = type.name;
    option.textContent =
      `${translated('class', type.name)} — ${type.unit_types.map((u) => translated('unit', u)).join(', ')}`;
    el('type').append(option);
  }
}

function newIncidentId() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `112-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
         `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

function minutes(seconds) {
  const m = Math.floor(seconds / 60);
  return t('time.minutes', { m, s: String(Math.round(seconds - 60 * m)).padStart(2, '0') });
}

function renderRecommendation(answer) {
  layers.routes.clearLayers();
  const list = el('results');
  list.replaceChildren();
  answer.recommended.forEach((unit, index) => {
    L.geoJSON(unit.route, { style: { color: index === 0 ? '#c0392b' : '#2471a3',
                                     weight: index === 0 ? 5 : 3, opacity: 0.8 } })
      .addTo(layers.routes);
    const item = document.createElement('li');
    item.className = 'result';
    item.dataset.unit = unit.unit_id;
    const zones = unit.hazards.on_route.map((z) => z.name)
      .concat(unit.hazards.near_route.map((z) => t('result.avoided', { name: z.name })));
    item.innerHTML = `<span class="eta"></span> <span class="who"></span><br>` +
                     `<span class="how"></span><div class="zones"></div>`;
    item.querySelector('.eta').textContent = minutes(unit.eta_s);
    item.querySelector('.who').textContent =
      `${unit.call_sign} (${translated('unit', unit.type)}, ${unit.agency})`;
    item.querySelector('.how').textContent = t('result.how', {
      km: number(unit.distance_m / 1000), offroad: unit.position.off_road ? t('result.offroad') : '',
      age: Math.round(unit.position.fix_age_s) });
    item.querySelector('.zones').textContent =
      zones.length ? t('result.hazards', { zones: zones.join('; ') }) : '';
    const button = document.createElement('button');
    button.className = 'dispatch';
    button.textContent = t('result.dispatch', { unit: unit.unit_id });
    button.addEventListener('click', () => dispatchUnit(unit, item, button));
    item.append(button);
    list.append(item);
  });
  const others = [];
  for (const u of answer.unreachable) others.push(t('result.no_route', { unit: u.unit_id, reason: u.reason }));
  for (const u of answer.not_available) others.push(`${u.unit_id}: ${translated('status', u.why.replace(' ', '_'))}`);
  el('others').textContent = others.length ? t('result.not_recommended', { list: others.join('; ') }) : '';
  setStatus(answer.recommended.length ? '' : t('status.none_reach'));
}

// Answers arrive in any order: only the newest question's may fill the panels, so that a quick
// second click never shows the first place's units or cameras.
const asked = { recommendation: 0, cameras: 0 };

async function recommend() {
  const question = ++asked.recommendation;
  const body = { lat: Number(el('lat').value), lon: Number(el('lon').value),
                 type: el('type').value, k: Number(el('k').value) || 3 };
  layers.incident.clearLayers();
  L.circleMarker([body.lat, body.lon], { radius: 9, color: '#000', weight: 2,
                                         fillColor: '#f1c40f', fillOpacity: 1 })
    .addTo(layers.incident);
  setStatus(t('status.asking'));
  el('results').replaceChildren();  // no stale button while the answer is on its way
  try {
    const answer = await post('/v1/recommend', body);
    if (question !== asked.recommendation) return;
    state.lastRecommendation = answer;
    renderRecommendation(state.lastRecommendation);
    await showCameras(body.lat, body.lon);
  } catch (error) {
    if (question !== asked.recommendation) return;
    layers.routes.clearLayers();
    el('results').replaceChildren();
    setStatus(error.message);
  }
}

// The register's cameras within 500 m of the incident, nearest first, as links: Siaga shows no
// video itself. A sample register says so.
async function showCameras(lat, lon) {
  const question = ++asked.cameras;
  const list = el('cameras');
  layers.cameras.clearLayers();
  try {
    const answer = await api(`/v1/cameras?near=${lat},${lon}&radius=500`);
    if (question !== asked.cameras) return;
    el('cameras-note').textContent = answer.sample ? t('cameras.sample') : '';
    list.replaceChildren(...answer.cameras.map((camera) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = camera.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = `${camera.name} (${camera.owner})`;
      item.append(link, t('cameras.item', { m: number(camera.distance_m, 0),
                                            kind: translated('kind', camera.url_kind) }));
      L.circleMarker([camera.lat, camera.lon], { radius: 5, color: '#1b2631', weight: 1,
                                                 fillColor: '#f4d03f', fillOpacity: 0.9 })
        .bindTooltip(camera.name).addTo(layers.cameras);
      return item;
    }));
    if (!answer.cameras.length) list.textContent = t('cameras.none');
  } catch (error) {
    if (question !== asked.cameras) return;
    el('cameras-note').textContent = '';
    list.textContent = error.message;
  }
}

async function dispatchUnit(unit, item, button) {
  button.disabled = true;
  try {
    const id = el('incident-id').value;
    if (state.seenIncidents && state.seenIncidents.has(id)) {
      // An incident of the queue: the unit goes on its record.
      await post(`/v1/incidents/${encodeURIComponent(id)}/units`, { unit_id: unit.unit_id });
      button.textContent = t('result.sent', { unit: unit.unit_id, id });
      await refreshQueue();
    } else {
      const answer = await post('/v1/dispatch', {
        unit_id: unit.unit_id, incident_id: id || newIncidentId(),
        type: el('type').value, lat: Number(el('lat').value), lon: Number(el('lon').value) });
      button.textContent = t('result.sent', { unit: unit.unit_id, id: answer.incident_id });
    }
    item.classList.add('sent');
    await refreshUnits();
    await refreshCoverage();
  } catch (error) {
    button.disabled = false;
    setStatus(t('result.dispatch_failed', { unit: unit.unit_id, error: error.message }));
  }
}

function percent(share) {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

// Each target's share of the demand within reach of the units available now; on request the
// streets outside the chosen target, drawn over the roads.
async function refreshCoverage() {
  try {
    const target = el('coverage-target').value;
    const streets = el('uncovered').checked
      ? `?streets=uncovered&target=${encodeURIComponent(target)}` : '';
    const live = await api(`/v1/coverage/live${streets}`);
    const list = el('coverage');
    list.replaceChildren();
    for (const target of live.targets) {
      const item = document.createElement('li');
      item.dataset.target = target.name;
      item.dataset.share = target.share;
      item.textContent = t('coverage.item', { name: target.name, type: translated('unit', target.unit_type),
                                              minutes: target.minutes, share: percent(target.share),
                                              units: target.available_units });
      item.title = target.source;
      list.append(item);
      if (![...el('coverage-target').options].some((o) => o.value === target.name)) {
        el('coverage-target').append(new Option(target.name, target.name));
      }
    }
    layers.uncovered.clearLayers();
    if (live.streets) {
      L.geoJSON(live.streets, { style: { color: '#d35400', weight: 3, opacity: 0.8 },
                                interactive: false }).addTo(layers.uncovered);
    }
    renderMoveups(await api('/v1/moveups'));
  } catch (error) {
    el('coverage').textContent = error.message;
  }
}

function renderMoveups(answer) {
  const list = el('moveups');
  list.replaceChildren();
  for (const move of answer.moveups) {
    const item = document.createElement('li');
    item.dataset.unit = move.unit_id;
    item.textContent = t('moveups.item', { unit: move.unit_id, station: move.station,
                                           share: percent(move.gain_share), drive: minutes(move.drive_s) });
    const button = document.createElement('button');
    button.className = 'accept';
    button.textContent = t('moveups.send');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await post('/v1/moveups/accept', { unit_id: move.unit_id, station: move.station });
        button.textContent = t('status.relocating');
        await refreshUnits();
      } catch (error) {
        button.disabled = false;
        setStatus(t('moveups.failed', { unit: move.unit_id, error: error.message }));
      }
    });
    item.append(button);
    list.append(item);
  }
  if (!answer.moveups.length) {
    const none = document.createElement('li');
    none.className = 'hint';
    none.textContent = t('moveups.none');
    list.append(none);
  }
}

// The caller names a place: the server's place search, each hit a button that puts the
// incident there and asks for the recommendation.
async function findPlace() {
  const list = el('places');
  list.replaceChildren();
  const q = el('place').value.trim();
  if (!q) return;
  try {
    const answer = await api(`/v1/places?q=${encodeURIComponent(q)}&limit=5`);
    if (!answer.results.length) list.textContent = t('place.none');
    for (const hit of answer.results) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'place';
      button.textContent = `${hit.name} (${translated('placekind', hit.kind)})` +
        (hit.near ? `, ${t('place.near', { m: number(hit.near_m, 0), near: hit.near })}` : '');
      button.addEventListener('click', () => {
        el('lat').value = hit.lat.toFixed(6);
        el('lon').value = hit.lon.toFixed(6);
        el('incident-id').value = newIncidentId();
        map.setView([hit.lat, hit.lon], Math.max(map.getZoom(), 15));
        recommend();
      });
      item.append(button);
      list.append(item);
    }
    const first = list.querySelector('button.place');
    if (first) first.focus();  // Enter takes it, Tab the next
  } catch (error) {
    list.textContent = error.message;
  }
}
el('place-form').addEventListener('submit', (event) => { event.preventDefault(); findPlace(); });

el('uncovered').addEventListener('change', refreshCoverage);
el('coverage-target').addEventListener('change', refreshCoverage);

map.on('click', (event) => {
  el('lat').value = event.latlng.lat.toFixed(6);
  el('lon').value = event.latlng.lng.toFixed(6);
  el('incident-id').value = newIncidentId();
  recommend();
});
el('incident-form').addEventListener('submit', (event) => { event.preventDefault(); recommend(); });

el('lang').addEventListener('click', () => {
  localStorage.setItem('siaga-lang', lang === 'id' ? 'en' : 'id');
  window.location.reload();
});

(async function start() {
  strings = await api(`i18n/${lang}.json`).catch(() => ({}));
  translatePage();
  drawLegend();
  try {
    await Promise.all([drawLand(), drawRoads(), drawFacilities(), loadHazards(),
                       loadIncidentTypes()]);
  } catch (error) {
    setStatus(t('map.failed', { error: error.message }));
  }
  await refreshUnits();
  await refreshCoverage();
  await refreshQueue();
  setInterval(refreshUnits, 2000);
  setInterval(refreshQueue, 3000);
  await refreshFigures();
  setInterval(refreshFigures, 10000);
  setInterval(refreshCoverage, 10000);
  document.body.dataset.ready = 'true';
})();
