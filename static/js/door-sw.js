/* The door page's service worker: the page opens again with no network.
 *
 * Cheap phones drop background tabs; a volunteer reopening the door page in a hall without
 * Wi-Fi must still be able to scan. The page, fetched as a "shell" (no names: no recent
 * check-ins, no search results), and the static files are kept; the sealed list lives in
 * IndexedDB (door.js). Everything else goes to the network as usual.
 */
"use strict";

const CACHE = "rakor-door-v1";
const DOOR_PAGE = /^\/events\/[^/]+\/door$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function shellUrl(url) {
  const shell = new URL(url.pathname, url.origin);
  shell.searchParams.set("shell", "1");
  if (url.searchParams.get("list")) shell.searchParams.set("list", url.searchParams.get("list"));
  return shell.toString();
}

async function keepShell(url) {
  const response = await fetch(shellUrl(url), {credentials: "same-origin"});
  if (response.ok) await (await caches.open(CACHE)).put(url.pathname, response);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (DOOR_PAGE.test(url.pathname) && request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(keepShell(url).catch(() => null));
          return response;
        })
        .catch(async () => (await caches.match(url.pathname)) || Response.error()),
    );
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        try {
          const response = await fetch(request);
          if (response.ok) cache.put(request, response.clone());
          return response;
        } catch (error) {
          return (await cache.match(request)) || Response.error();
        }
      }),
    );
  }
});
