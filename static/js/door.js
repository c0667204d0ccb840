/* The door page: camera and hardware-scanner check-in that keeps working offline.
 *
 * Online, every scan goes to the server and its verdict is shown at once. When the network
 * drops, the page decides from its sealed copy of the list (see coordination/door/offline.py):
 * it finds a person only under a key derived from the scanned code, shows the verdict, and
 * queues the scan (with its time and a nonce) in IndexedDB until the network is back.
 */
(function () {
  "use strict";

  const root = document.getElementById("door");
  if (!root) return;
  const cfg = root.dataset;
  const words = JSON.parse(document.getElementById("door-words").textContent);
  const verdictBox = document.getElementById("door-verdict");
  const networkLine = document.getElementById("door-network");
  const codeForm = document.getElementById("door-code-form");
  const codeInput = codeForm.querySelector("input[name=code]");
  const REPEAT_WINDOW_MS = 3000;
  const REQUEST_TIMEOUT_MS = 4000;
  const encoder = new TextEncoder();

  let snapshot = null; // {salt: Uint8Array, entries: {lookup: {iv, c}}}
  const seenAt = new Map(); // code -> last time the camera or scanner saw it
  const localIn = new Map(); // lookup -> time checked in by this phone while offline
  let hideTimer = null;

  /* ---------- small helpers ---------- */

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (values[key] ?? ""));
  }

  function nonce() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works without HTTPS, unlike randomUUID
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function normalise(raw) {
    return String(raw || "").toUpperCase().replace(/[^0-9A-Z]/g, "").slice(0, 64);
  }

  // Times as the event's zone shows them (13.05), whatever zone the phone is set to.
  const clockFormat = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: cfg.timezone || undefined,
  });
  function clock(date) {
    return clockFormat.format(date).replace(":", ".");
  }

  function b64(text) {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* ---------- feedback: colour, sound, vibration ---------- */

  let audio = null;
  function beep(tone) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = tone === "ok" ? 880 : tone === "warn" ? 520 : 220;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (tone === "ok" ? 0.15 : 0.45));
    } catch (e) { /* no sound is no reason to stop */ }
  }

  function show(answer, startedAt) {
    verdictBox.className = "verdict verdict-" + answer.tone;
    verdictBox.dataset.code = answer.code;
    verdictBox.querySelector(".verdict-title").textContent = answer.title;
    verdictBox.querySelector(".verdict-detail").textContent = answer.detail || "";
    verdictBox.querySelector(".verdict-extra").textContent = answer.extra || "";
    verdictBox.hidden = false;
    if (startedAt !== undefined) {
      root.dataset.lastLatencyMs = String(Math.round(performance.now() - startedAt));
    }
    beep(answer.tone);
    if (navigator.vibrate) {
      navigator.vibrate(answer.tone === "ok" ? 120 : [200, 100, 200]);
    }
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, answer.tone === "ok" ? 2500 : 4000);
  }

  function hide() {
    verdictBox.hidden = true;
    codeInput.focus({preventScroll: true});
  }

  verdictBox.addEventListener("click", hide);

  /* ---------- IndexedDB: the offline queue and the sealed list ---------- */

  const dbReady = new Promise((resolve, reject) => {
    if (!window.indexedDB) { resolve(null); return; }
    const request = indexedDB.open("rakor-door", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("queue", {keyPath: "nonce"});
      request.result.createObjectStore("snapshots");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });

  async function store(name, mode, work) {
    const db = await dbReady;
    if (!db) return null;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : null);
      tx.onerror = () => reject(tx.error);
    });
  }

  const queue = {
    add: (scan) => store("queue", "readwrite", (s) => s.put(scan)),
    all: () => store("queue", "readonly", (s) => s.getAll()),
    remove: (nonces) => store("queue", "readwrite", (s) => nonces.forEach((n) => s.delete(n))),
  };

  async function showQueue() {
    const waiting = (await queue.all()) || [];
    root.dataset.queued = String(waiting.length);
    if (waiting.length) {
      networkLine.textContent = fill(words.queue, {n: waiting.length});
      networkLine.className = "network network-offline";
    } else {
      networkLine.textContent = navigator.onLine === false ? words.offline : words.online;
      networkLine.className = "network " + (navigator.onLine === false ? "network-offline" : "");
    }
  }

  /* ---------- the sealed offline copy ---------- */

  async function derive(code, salt) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(code), "HKDF", false, [
      "deriveBits", "deriveKey",
    ]);
    const lookup = hex(await crypto.subtle.deriveBits(
      {name: "HKDF", hash: "SHA-256", salt, info: encoder.encode("rakor-door-lookup-v1")},
      material, 128));
    const key = await crypto.subtle.deriveKey(
      {name: "HKDF", hash: "SHA-256", salt, info: encoder.encode("rakor-door-key-v1")},
      material, {name: "AES-GCM", length: 256}, false, ["decrypt"]);
    return {lookup, key};
  }

  async function loadSnapshot() {
    if (!window.crypto || !crypto.subtle) return; // needs HTTPS (or localhost)
    try {
      const response = await fetch(cfg.offlineUrl, {credentials: "same-origin"});
      if (!response.ok) return;
      const data = await response.json();
      snapshot = {salt: b64(data.salt), entries: data.entries, list: String(data.list)};
      localIn.clear();
      await store("snapshots", "readwrite", (s) => s.put(data, cfg.list));
    } catch (e) {
      const kept = await store("snapshots", "readonly", (s) => s.get(cfg.list));
      if (kept && !snapshot) snapshot = {salt: b64(kept.salt), entries: kept.entries, list: cfg.list};
    }
    root.dataset.snapshot = snapshot ? "ready" : "none";
  }

  async function decideOffline(code) {
    if (!snapshot || !window.crypto || !crypto.subtle) {
      return {queue: true, answer: {tone: "warn", code: "offline_unchecked", title: words.no_snapshot}};
    }
    const {lookup, key} = await derive(code, snapshot.salt);
    const sealed = snapshot.entries[lookup];
    if (!sealed) {
      return {queue: false, answer: {tone: "error", code: "unknown_code", title: words.unknown_code,
                                     extra: words.offline_mark}};
    }
    const plain = await crypto.subtle.decrypt({name: "AES-GCM", iv: b64(sealed.iv)}, key, b64(sealed.c));
    const person = JSON.parse(new TextDecoder().decode(plain));
    const detail = [person.o, person.r].filter(Boolean).join(" — ");
    if (person.s === "cancelled" || person.s === "waiting") {
      const code_ = person.s === "cancelled" ? "cancelled" : "waitlisted";
      return {queue: false, answer: {tone: "error", code: code_, title: words[code_], detail: person.n,
                                     extra: words.offline_mark}};
    }
    const before = localIn.get(lookup) || (person.t ? new Date(person.t) : null);
    if (before) {
      const door = localIn.has(lookup) ? cfg.doorName : (person.d || "");
      return {queue: false, answer: {tone: "warn", code: "already_checked_in",
                                     title: fill(words.already, {time: clock(before), door}),
                                     detail: person.n, extra: words.offline_mark}};
    }
    localIn.set(lookup, new Date());
    return {queue: true, answer: {tone: "ok", code: "checked_in", title: fill(words.welcome, {name: person.n}),
                                  detail, extra: words.offline_saved}};
  }

  /* ---------- scanning ---------- */

  async function post(url, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": cfg.csrf},
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function scan(raw, startedAt) {
    const code = normalise(raw);
    if (!code) return;
    const scanData = {code, nonce: nonce(), at: Date.now(), list: cfg.list};
    if (navigator.onLine !== false) {
      try {
        const response = await post(cfg.scanUrl, scanData);
        if ([400, 403, 404].includes(response.status)) {
          // A door link that ended says why (revoked, locked, expired); anything else, generally.
          const refusal = await response.json().catch(() => ({}));
          show({tone: "error", code: "no_access", title: refusal.title || words.session_ended}, startedAt);
          return;
        }
        if (response.ok) {
          const answer = await response.json();
          show(answer, startedAt);
          remember(answer);
          flush();
          return;
        }
      } catch (e) { /* the network is gone: decide here */ }
    }
    const {queue: keep, answer} = await decideOffline(code);
    if (keep) await queue.add(Object.assign(scanData, {offline: true}));
    show(answer, startedAt);
    showQueue();
  }

  function seenRecently(code) {
    const now = performance.now();
    const last = seenAt.get(code);
    seenAt.set(code, now);
    return last !== undefined && now - last < REPEAT_WINDOW_MS;
  }

  // A check-in line as the server renders it in page.html: time · name · door, and Undo.
  function remember(answer) {
    if (!answer.checkin_id || answer.code !== "checked_in") return;
    const list = document.getElementById("door-recent");
    if (!list) return;
    const item = document.createElement("li");
    const parts = [answer.at, answer.name, answer.door];
    if (answer.representative) parts.push(fill(words.represented, {name: answer.representative}));
    item.append(parts.filter(Boolean).join(" · ") + " ");
    const form = document.createElement("form");
    form.method = "post";
    form.action = cfg.undoUrl.replace(/\/0$/, "/" + encodeURIComponent(answer.checkin_id));
    form.className = "inline";
    form.dataset.confirm = fill(words.undo_confirm, {name: answer.name});
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = cfg.csrf;
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "secondary outline small";
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = ": " + answer.name;
    button.append(words.undo, who);
    form.append(token, button);
    item.append(form);
    list.prepend(item);
    while (list.children.length > 8) list.lastElementChild.remove(); // as many as the server shows
  }

  let flushing = false;
  async function flush() {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    try {
      const waiting = (await queue.all()) || [];
      if (!waiting.length) return;
      const response = await post(cfg.syncUrl, {scans: waiting.slice(0, 200)});
      if (response.ok) {
        const data = await response.json();
        await queue.remove(data.results.map((r) => r.nonce));
        root.dataset.synced = String(Number(root.dataset.synced || 0) + data.results.length);
        const refused = data.results.filter((r) => r.code === "no_access").length;
        if (refused) {
          show({tone: "error", code: "no_access", title: fill(words.not_sent, {n: refused})});
        }
      }
    } catch (e) { /* still offline; try again later */ }
    finally {
      flushing = false;
      showQueue();
    }
  }

  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const started = performance.now();
    const value = codeInput.value;
    codeInput.value = "";
    scan(value, started);
  });

  /* ---------- the camera ---------- */

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  async function detectorClass() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) return window.BarcodeDetector;
      } catch (e) { /* fall through to the WebAssembly decoder */ }
    }
    await loadScript(cfg.ponyfillUrl);
    const api = window.BarcodeDetectionAPI;
    api.prepareZXingModule({
      overrides: {locateFile: (path, prefix) => (path.endsWith(".wasm") ? cfg.wasmUrl : prefix + path)},
    });
    return api.BarcodeDetector;
  }

  const video = document.getElementById("door-video");
  const cameraButton = document.getElementById("door-camera-start");
  const cameraNote = document.getElementById("door-camera-note");

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraNote.textContent = words.camera_needs_https;
      cameraNote.hidden = false;
      return;
    }
    cameraButton.disabled = true;
    try {
      const Detector = await detectorClass();
      const detector = new Detector({formats: ["qr_code"]});
      const stream = await navigator.mediaDevices.getUserMedia({
        video: {facingMode: "environment", width: {ideal: 1280}, height: {ideal: 720}},
        audio: false,
      });
      video.srcObject = stream;
      video.hidden = false;
      cameraButton.hidden = true;
      await video.play();
      root.dataset.camera = "on";
      const look = async () => {
        if (video.readyState >= 2) {
          try {
            const found = await detector.detect(video);
            const started = performance.now();
            for (const barcode of found) {
              const code = normalise(barcode.rawValue);
              if (code && !seenRecently(code)) scan(code, started);
            }
          } catch (e) { /* a frame that cannot be read */ }
        }
        setTimeout(look, 120);
      };
      look();
    } catch (e) {
      cameraNote.textContent = words.camera_failed;
      cameraNote.hidden = false;
      cameraButton.disabled = false;
      root.dataset.camera = "failed";
    }
  }

  cameraButton.addEventListener("click", startCamera);
  if (!window.isSecureContext) {
    cameraNote.textContent = words.camera_needs_https;
    cameraNote.hidden = false;
  } else if (cfg.autostart === "1") {
    startCamera();
  }

  /* ---------- start ---------- */

  // Let the page reopen without network (secure pages only, like the camera).
  if ("serviceWorker" in navigator && window.isSecureContext && cfg.serviceWorker) {
    navigator.serviceWorker.register(cfg.serviceWorker, {scope: "/"}).then(
      () => { root.dataset.serviceWorker = "registered"; },
      () => { root.dataset.serviceWorker = "failed"; },
    );
  }

  if (!verdictBox.hidden && !verdictBox.querySelector(".verdict-extra a")) {
    hideTimer = setTimeout(hide, 4000);
  }
  verdictBox.querySelectorAll(".verdict-extra a").forEach((link) => {
    link.addEventListener("click", (event) => event.stopPropagation());
  });

  // Undo asks first: the button sits where a thumb lands. Listening on the page covers the
  // lines added after a scan as well as those the server rendered.
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Searching by name needs the server; offline, say so instead of leaving the page.
  const searchForm = document.getElementById("door-search-form");
  if (searchForm) {
    searchForm.addEventListener("submit", (event) => {
      if (navigator.onLine === false) {
        event.preventDefault();
        show({tone: "warn", code: "offline_search", title: words.search_offline});
      }
    });
  }
  window.addEventListener("online", () => { showQueue(); flush(); loadSnapshot(); });
  window.addEventListener("offline", showQueue);
  setInterval(flush, 5000);
  setInterval(() => { if (navigator.onLine !== false) loadSnapshot(); }, 60000);
  loadSnapshot().then(showQueue).then(flush);
})();
