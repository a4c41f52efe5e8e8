// The page's shell kept on the phone, so that it opens on a bad link; reports and their status
// always go to the network (a report must never be answered from a cache).
'use strict';
const shell = 'darurat-v1';
const files = ['./', 'index.html', 'app.js', 'style.css', 'manifest.webmanifest', 'icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(shell).then((cache) => cache.addAll(files)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) =>
    Promise.all(names.filter((name) => name !== shell).map((name) => caches.delete(name)))));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || !url.pathname.startsWith('/darurat/')) return;
  // The network first (a new page version), the shell when there is none.
  event.respondWith(fetch(event.request).catch(() => caches.match(event.request)));
});
