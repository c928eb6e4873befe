// @ts-check
// The service worker: keeps the app shell and the wasm engine so the page
// works offline once it has been loaded. Network first (a new build is picked
// up at once when online), the cache when the network fails. It only ever
// fetches files of its own scope: it sends nothing anywhere.

/** The service worker's global scope (the page's modules are checked with the DOM library). */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const CACHE = 'masque-shell-v3';
const SHELL = [
  './', 'index.html', 'style.css', 'app.js', 'columns.js', 'compare.js', 'flow.js', 'i18n.js', 'policy.js', 'preview.js', 'protocol.js',
  'report.js', 'results.js', 'store.js', 'view.js', 'worker.js', 'pkg/masque.js', 'pkg/masque_bg.wasm', 'sample/cohort.csv',
  'embed/masque-clean.js',
];

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((p) => new Request(new URL(p, sw.registration.scope), { cache: 'reload' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await sw.clients.claim();
  })());
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(sw.registration.scope)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
      return response;
    } catch (err) {
      const cached = await cache.match(request, { ignoreSearch: true })
        ?? (request.mode === 'navigate' ? await cache.match(new URL('./', sw.registration.scope)) : undefined);
      if (cached) return cached;
      throw err;
    }
  })());
});
