/* The door page's service worker: the page opens again with no network.
 *
 * Cheap phones drop background tabs; a volunteer reopening the door page in a hall without
 * Wi-Fi must still be able to scan. door.js stores the page, fetched as a "shell" (no names:
 * no recent check-ins, no search results), and every file it needs on its first visit; this
 * worker keeps them fresh while online and answers from them when the network is gone or
 * the server does not answer. The sealed list and the queue live in IndexedDB (door.js).
 * The walk-in page, opened offline, is the door page: door.js then shows its own walk-in form.
 */
"use strict";

const CACHE = "rakor-door-v2"; // as in door.js
const DOOR_PAGE = /^\/events\/[^/]+\/door$/;
const WALK_IN_PAGE = /^(\/events\/[^/]+\/door)\/walk-in$/;
const WAIT_MS = 3000; // a server that has not answered by then is as good as none
const HASHED = /\.[0-9a-f]{12}(\.[A-Za-z0-9]+)?$/; // as coordination/static_files.py names them

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("rakor-door-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function shellUrl(url, pathname) {
  const shell = new URL(pathname, url.origin);
  shell.searchParams.set("shell", "1");
  if (url.searchParams.get("list")) shell.searchParams.set("list", url.searchParams.get("list"));
  return shell.toString();
}

async function keepShell(url) {
  const response = await fetch(shellUrl(url, url.pathname), {credentials: "same-origin"});
  if (response.ok) await (await caches.open(CACHE)).put(url.pathname, response);
}

// The network, unless it fails or takes longer than WAIT_MS.
function network(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer")), WAIT_MS);
    fetch(request).then(
      (response) => { clearTimeout(timer); resolve(response); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

async function kept(key) {
  return (await caches.match(key)) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const walkIn = url.pathname.match(WALK_IN_PAGE);
  if (DOOR_PAGE.test(url.pathname) && request.mode === "navigate") {
    event.respondWith(
      network(request)
        .then((response) => {
          if (response.ok && !url.searchParams.get("q")) {
            event.waitUntil(keepShell(url).catch(() => null));
          }
          return response;
        })
        .catch(() => kept(url.pathname)),
    );
  } else if (walkIn && request.mode === "navigate") {
    event.respondWith(network(request).catch(() => kept(walkIn[1])));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        // A name with its content's hash never changes: the kept copy is the file.
        const known = HASHED.test(url.pathname) && (await cache.match(request));
        if (known) return known;
        try {
          const response = await network(request);
          if (response.ok) cache.put(request, response.clone());
          return response;
        } catch (error) {
          return (await cache.match(request)) || Response.error();
        }
      }),
    );
  }
});
