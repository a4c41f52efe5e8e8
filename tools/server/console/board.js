// The dispatch room's boards, beside the map (console.js): the queue of open incidents, the unit
// board, today's figures against the targets; a new incident with its note, closing one; and the
// keyboard: every step of a call without the mouse.
'use strict';

// A new incident, above all a citizen's panic report: a tone and the tab's title flashing, so that
// a call taker looking elsewhere notices.
function alertNew(incidents) {
  state.alerts += incidents.length;
  document.body.dataset.alerts = state.alerts;
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = incidents.some((i) => i.source === 'app') ? 880 : 660;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch (error) { /* no sound on this machine: the title still flashes */ }
  const title = document.title;
  let flashes = 0;
  const flash = setInterval(() => {
    document.title = flashes % 2 ? title : t('queue.alert_title', { count: incidents.length });
    if (++flashes > 10) { clearInterval(flash); document.title = title; }
  }, 700);
}

// One incident of the queue. Made once and then updated in place (updateQueueItem), so that a
// refresh neither moves the keyboard's focus nor swallows a click on its Close button.
function queueItem(incident) {
  const item = document.createElement('li');
  item.dataset.incident = incident.id;
  item.tabIndex = 0;
  item.incident = incident;
  const summary = document.createElement('span');
  summary.className = 'summary';
  const badge = document.createElement('strong');
  badge.className = 'badge';
  const photo = document.createElement('a');
  photo.target = '_blank';
  photo.rel = 'noopener noreferrer';
  photo.textContent = t('queue.photo');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = t('queue.close');
  close.addEventListener('click', (event) => {
    event.stopPropagation();
    closeIncident(item.incident.id);
  });
  item.append(summary, badge, photo, close);
  const select = () => {
    const { location } = item.incident;
    el('lat').value = location.lat;
    el('lon').value = location.lon;
    el('incident-id').value = item.incident.id;
    if ([...el('type').options].some((o) => o.value === item.incident.class)) {
      el('type').value = item.incident.class;
    }
    recommend();
  };
  item.addEventListener('click', select);
  item.addEventListener('keydown', (event) => { if (event.key === 'Enter' && event.target === item) select(); });
  return item;
}

function updateQueueItem(item, incident) {
  item.incident = incident;
  item.className = `queued ${incident.unverified ? 'unverified' : ''} ${incident.source}`;
  const age = Math.max(0, Math.round((Date.now() - incident.created_ms) / 1000));
  const where = [incident.location.road, incident.location.kecamatan].filter((x) => x).join(', ');
  const units = incident.units.filter((u) => !u.times.cleared_ms).map((u) =>
    `${u.unit_id}${u.eta && u.eta.remaining_s !== null ? ` ${minutes(u.eta.remaining_s)}` : ''}` +
    `${u.eta && u.eta.delayed ? ` ${t('queue.delayed')}` : ''}`);
  item.querySelector('.summary').textContent =
    `${translated('class', incident.class)} · ${where || t('queue.place_unknown')} · ` +
    `${minutes(age)} · ${translated('status', incident.status)}` +
    `${units.length ? ` · ${units.join(', ')}` : ''} `;
  item.querySelector('.badge').textContent = incident.unverified
    ? t(incident.source === 'app' ? 'queue.panic' : 'queue.unverified') : '';
  const photo = item.querySelector('a');
  photo.hidden = !incident.photo_url;
  if (incident.photo_url) photo.href = incident.photo_url;
}

async function refreshQueue() {
  try {
    const answer = await api('/v1/incidents?status=open');
    const list = el('queue');
    const existing = new Map([...list.children].map((item) => [item.dataset.incident, item]));
    const open = new Set(answer.incidents.map((i) => i.id));
    for (const [id, item] of existing) if (!open.has(id)) item.remove();
    answer.incidents.forEach((incident, index) => {
      const item = existing.get(incident.id) || queueItem(incident);
      updateQueueItem(item, incident);
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
    });
    el('queue-count').textContent = `(${answer.count})`;
    const fresh = answer.incidents.filter((i) => state.seenIncidents && !state.seenIncidents.has(i.id));
    state.seenIncidents = new Set(answer.incidents.map((i) => i.id)
      .concat(state.seenIncidents ? [...state.seenIncidents] : []));
    if (fresh.length) alertNew(fresh);
  } catch (error) {
    el('queue-count').textContent = `(${error.message})`;
  }
}

// Open incidents of this console's making: the place, class and note of the form.
async function createIncident() {
  const body = { lat: Number(el('lat').value), lon: Number(el('lon').value), class: el('type').value,
                 call_type: el('call-type').value };
  if (el('note').value.trim()) body.note = el('note').value.trim();
  try {
    const incident = await post('/v1/incidents', body);
    el('incident-id').value = incident.id;
    el('note').value = '';
    await refreshQueue();
    setStatus(t('incident.created', { id: incident.id }));
  } catch (error) {
    setStatus(t('incident.create_failed', { error: error.message }));
  }
}

async function closeIncident(id) {
  try {
    await post(`/v1/incidents/${encodeURIComponent(id)}/close`, { note: t('queue.closed_note') });
    await refreshQueue();
  } catch (error) {
    setStatus(t('queue.close_failed', { id, error: error.message }));
  }
}

// Every unit by agency: status, seconds since its last fix, stale marked.
function renderUnitBoard(units) {
  const byAgency = new Map();
  for (const unit of units) {
    if (!byAgency.has(unit.agency)) byAgency.set(unit.agency, []);
    byAgency.get(unit.agency).push(unit);
  }
  const rows = [];
  for (const [agency, members] of [...byAgency.entries()].sort()) {
    const head = document.createElement('tr');
    const cell = document.createElement('th');
    cell.colSpan = 3;
    cell.textContent = agency;
    head.append(cell);
    rows.push(head);
    for (const unit of members) {
      const row = document.createElement('tr');
      row.dataset.unit = unit.id;
      row.dataset.status = unit.stale ? 'stale' : unit.status;
      const age = unit.fix ? Math.max(0, Math.round((Date.now() - unit.fix.time_ms) / 1000)) : null;
      const cells = [unit.call_sign, translated('status', unit.stale ? 'stale' : unit.status),
                     age === null ? t('board.no_fix') : t('board.fix_age', { s: number(age, 0) })];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        row.append(td);
      }
      row.children[1].style.color = unitColour(unit);
      rows.push(row);
    }
  }
  el('board').replaceChildren(...rows);
}

// Today (WIT, UTC+9): calls, pranks, the response interval's median and 90th percentile against
// the fire target, and the live coverage of the first target.
async function refreshFigures() {
  try {
    const today = new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
    const report = await api(`/v1/reports/response-times?from=${today}`);
    const response = report.intervals.response || {};
    const shares = [...document.querySelectorAll('#coverage li[data-target]')];
    el('figures').textContent = t('figures.line', {
      calls: report.calls, pranks: report.by_call_type.prank || 0,
      median: response.count ? minutes(response.median_s) : '–',
      p90: response.count ? minutes(response.p90_s) : '–',
      coverage: shares.length ? percent(Number(shares[0].dataset.share)) : '–' });
    el('figures').dataset.calls = report.calls;
  } catch (error) {
    el('figures').textContent = error.message;
  }
}

// Keys when no field has the focus: n or / a new call (the place box), c create the incident,
// r recommend, 1–9 dispatch that recommended unit, q the queue. Esc leaves a field.
document.addEventListener('keydown', (event) => {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
  if (event.key === 'Escape') { document.activeElement.blur(); return; }
  if (typing || event.ctrlKey || event.altKey || event.metaKey) return;
  const buttons = [...document.querySelectorAll('#results li.result button.dispatch:not(:disabled)')];
  if (event.key === 'n' || event.key === '/') {
    event.preventDefault();
    el('place').value = '';
    el('incident-id').value = '';
    el('place').focus();
  } else if (event.key === 'c') {
    createIncident();
  } else if (event.key === 'r') {
    recommend();
  } else if (/^[1-9]$/.test(event.key) && buttons[Number(event.key) - 1]) {
    buttons[Number(event.key) - 1].click();
  } else if (event.key === 'q') {
    const first = document.querySelector('#queue li');
    if (first) first.focus();
  }
});
el('create').addEventListener('click', createIncident);
