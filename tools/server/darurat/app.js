// The citizens' panic button: one press per class, the phone's position from the browser, an
// optional number, note and photo; then the report's status (unit sent, ETA) until it is done.
'use strict';

const el = (id) => document.getElementById(id);
const labels = {};
document.querySelectorAll('button.class').forEach((b) => { labels[b.dataset.class] = b.textContent; });
const state = { position: null, chosen: null, polling: null };

function showPosition() {
  if (!('geolocation' in navigator)) {
    el('position').textContent = 'Ponsel ini tidak memberi lokasi. Telepon 112.';
    return;
  }
  navigator.geolocation.watchPosition((found) => {
    state.position = found.coords;
    el('position').textContent = `Lokasi Anda ditemukan (±${Math.round(found.coords.accuracy)} m).`;
  }, (error) => {
    el('position').textContent = error.code === error.PERMISSION_DENIED
      ? 'Izinkan akses lokasi untuk halaman ini, atau telepon 112.'
      : 'Lokasi belum ditemukan. Coba di tempat terbuka, atau telepon 112.';
  }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 30000 });
}

function choose(incidentClass) {
  state.chosen = incidentClass;
  el('chosen').textContent = `Laporan: ${labels[incidentClass]}`;
  el('report').hidden = false;
  el('send').focus();
}

function readPhoto() {
  const file = el('photo').files[0];
  if (!file) return Promise.resolve(null);
  if (file.size > 2 * 1024 * 1024) return Promise.reject(new Error('Foto lebih dari 2 MB.'));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error('Foto tidak dapat dibaca.'));
    reader.readAsDataURL(file);
  });
}

function showResult(title, text, failed) {
  el('result').hidden = false;
  el('result').classList.toggle('error', !!failed);
  el('result-title').textContent = title;
  el('result-status').textContent = text;
}

async function send(event) {
  event.preventDefault();
  if (!state.position) {
    showResult('Lokasi belum ada', 'Tunggu sampai lokasi ditemukan, atau telepon 112.', true);
    return;
  }
  el('send').disabled = true;
  try {
    const body = { class: state.chosen, lat: state.position.latitude,
                   lon: state.position.longitude, accuracy_m: state.position.accuracy };
    if (el('phone').value.trim()) body.phone = el('phone').value.trim();
    if (el('note').value.trim()) body.note = el('note').value.trim();
    const photo = await readPhoto();
    if (photo) body.photo = photo;
    const response = await fetch('/v1/reports/public', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 201) throw new Error(answer.error || `HTTP ${response.status}`);
    localStorage.setItem('darurat-report', JSON.stringify({ ...answer, at: Date.now() }));
    el('report').hidden = true;
    el('classes').hidden = true;
    follow(answer);
  } catch (error) {
    el('send').disabled = false;
    showResult('Laporan belum terkirim', `${error.message} Telepon 112 jika darurat.`, true);
  }
}

async function follow(report) {
  showResult('Laporan diterima', report.status_text || 'Laporan diterima');
  el('result-id').textContent = `Nomor laporan: ${report.id}`;
  const poll = async () => {
    try {
      const response = await fetch(report.status_url, { cache: 'no-store' });
      if (!response.ok) return;
      const status = await response.json();
      const etas = status.units.map((u) => u.eta_s).filter((s) => s !== null);
      const eta = etas.length ? ` — tiba dalam ± ${Math.max(1, Math.round(Math.min(...etas) / 60))} menit` : '';
      showResult('Laporan diterima', `${status.status_text}${eta}`);
      el('result').dataset.status = status.status;
      if (status.status === 'closed' || status.status === 'cancelled') clearInterval(state.polling);
    } catch (error) { /* a bad link: the next poll tries again */ }
  };
  await poll();
  state.polling = setInterval(poll, 5000);
}

document.querySelectorAll('button.class').forEach((button) =>
  button.addEventListener('click', () => choose(button.dataset.class)));
el('report').addEventListener('submit', send);
el('cancel').addEventListener('click', () => { el('report').hidden = true; state.chosen = null; });
showPosition();
const saved = JSON.parse(localStorage.getItem('darurat-report') || 'null');
if (saved && Date.now() - saved.at < 6 * 3600 * 1000) follow(saved);
if ('serviceWorker' in navigator && window.isSecureContext)
  navigator.serviceWorker.register('sw.js').catch(() => {});
