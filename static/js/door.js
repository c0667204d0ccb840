/* The door page: camera and hardware-scanner check-in that keeps working offline.
 *
 * Online, every scan goes to the server and its verdict is shown at once. When the network
 * drops, or the server does not answer within REQUEST_TIMEOUT_MS, the page decides from its
 * sealed copy of the list (see coordination/door/offline.py): it finds a person only under a
 * key derived from the scanned code, shows the verdict, and queues the scan (with its time and
 * a nonce) in IndexedDB until the server has it. Everything the page needs to reopen without
 * network is stored on the first visit (door-sw.js serves it); the queue, the copy and the
 * phone's own offline admissions live in IndexedDB, so a reload or a restart keeps them.
 */
(function () {
  "use strict";

  const root = document.getElementById("door");
  if (!root) return;
  const cfg = root.dataset;
  const words = JSON.parse(document.getElementById("door-words").textContent);
  const verdictBox = document.getElementById("door-verdict");
  const networkLine = document.getElementById("door-network");
  const copyLine = document.getElementById("door-copy");
  const codeForm = document.getElementById("door-code-form");
  const codeInput = codeForm.querySelector("input[name=code]");
  const REPEAT_WINDOW_MS = 3000;
  const REQUEST_TIMEOUT_MS = 1200; // a scan waits no longer for the server: a verdict within 1.5 s
  const SYNC_TIMEOUT_MS = 15000; // a batch of queued scans may take longer
  const SILENT_FOR_MS = 15000; // after a timeout, scans skip the server this long
  const REFRESH_MS = 20000; // what changed in the list, while online
  const RECENT_MS = 10000; // every door's latest check-ins, while online
  const FULL_COPY_AFTER_MS = 10 * 60 * 1000; // a whole new copy now and then
  const CACHE = "rakor-door-v2"; // as in door-sw.js
  const encoder = new TextEncoder();
  const secure = window.isSecureContext && window.crypto && crypto.subtle;

  let snapshot = null; // {salt, saltBytes, entries, version, people, rule, fetched}
  const seenAt = new Map(); // code -> last time the camera or scanner saw it
  const localIn = new Map(); // lookup -> {at, name}: let in by this phone while offline
  let hideTimer = null;
  let silentUntil = 0; // the server did not answer: decide on the phone until then

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

  function serverSilent() {
    return performance.now() < silentUntil;
  }

  function offlineNow() {
    return navigator.onLine === false || serverSilent();
  }

  /* ---------- feedback: colour, sound, vibration ---------- */

  let audio = null;
  function beep(tone) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = tone === "ok" ? 880 : tone === "warn" || tone === "pending" ? 520 : 220;
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
    const signing = signLink(answer);
    verdictBox.hidden = false;
    if (startedAt !== undefined) {
      root.dataset.lastLatencyMs = String(Math.round(performance.now() - startedAt));
    }
    setTimeout(() => beep(answer.tone), 0); // the colour first, then the sound
    if (navigator.vibrate) {
      navigator.vibrate(answer.tone === "ok" ? 120 : [200, 100, 200]);
    }
    clearTimeout(hideTimer);
    if (!signing) hideTimer = setTimeout(hide, answer.tone === "ok" ? 2500 : 4000);
  }

  // The event asks for signatures: a verdict for someone in who has not signed yet (green,
  // or amber when they came in before signatures were asked for) offers the phone to sign.
  function signLink(answer) {
    const template = root.dataset.signUrl;
    const offered = answer.code === "checked_in" || answer.sign;
    if (!template || !offered || !answer.checkin_id) return false;
    const link = document.createElement("a");
    link.href = template.replace(/\/0$/, "/" + answer.checkin_id);
    link.textContent = root.dataset.signWord;
    link.className = "door-sign-link";
    link.addEventListener("click", (event) => event.stopPropagation());
    verdictBox.querySelector(".verdict-extra").replaceChildren(link);
    return true;
  }

  function hide() {
    verdictBox.hidden = true;
    codeInput.focus({preventScroll: true});
  }

  verdictBox.addEventListener("click", hide);

  /* ---------- IndexedDB: the queue, the sealed copy, this phone's offline admissions ---------- */

  const dbReady = new Promise((resolve) => {
    if (!window.indexedDB) { resolve(null); return; }
    const request = indexedDB.open("rakor-door", 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", {keyPath: "nonce"});
      if (!db.objectStoreNames.contains("snapshots")) db.createObjectStore("snapshots");
      if (!db.objectStoreNames.contains("admitted")) db.createObjectStore("admitted", {keyPath: "key"});
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

  const admitted = {
    add: (lookup, entry) => store("admitted", "readwrite",
                                  (s) => s.put(Object.assign({key: cfg.list + ":" + lookup}, entry))),
    all: () => store("admitted", "readonly", (s) => s.getAll()),
  };

  async function showQueue() {
    const waiting = (await queue.all()) || [];
    root.dataset.queued = String(waiting.length);
    const offline = navigator.onLine === false;
    let text = offline ? words.offline : words.online;
    if (serverSilent()) text = words.server_silent;
    if (waiting.length) text = fill(words.queue, {n: waiting.length}) + (serverSilent() ? " · " + words.server_silent : "");
    networkLine.textContent = text;
    networkLine.className = "network" + (offline || waiting.length || serverSilent() ? " network-offline" : "");
    root.dataset.server = serverSilent() ? "silent" : "answering";
  }

  /* ---------- the sealed offline copy ---------- */

  // The lookup and the key side by side: on a slow phone every step of WebCrypto counts.
  async function derive(code, salt) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(code), "HKDF", false, [
      "deriveBits", "deriveKey",
    ]);
    const [bits, key] = await Promise.all([
      crypto.subtle.deriveBits(
        {name: "HKDF", hash: "SHA-256", salt, info: encoder.encode("rakor-door-lookup-v1")},
        material, 128),
      crypto.subtle.deriveKey(
        {name: "HKDF", hash: "SHA-256", salt, info: encoder.encode("rakor-door-key-v1")},
        material, {name: "AES-GCM", length: 256}, false, ["decrypt"]),
    ]);
    return {lookup: hex(bits), key};
  }

  function showCopy() {
    root.dataset.snapshot = snapshot ? "ready" : "none";
    // When this page could first decide a scan on its own (for the benchmark).
    if (snapshot && !root.dataset.readyMs) root.dataset.readyMs = String(Math.round(performance.now()));
    if (!copyLine) return;
    copyLine.textContent = snapshot
      ? fill(words.copy, {n: snapshot.people, time: clock(new Date(snapshot.version))})
      : words.no_copy;
  }

  function useCopy(kept) {
    snapshot = {
      salt: kept.salt, saltBytes: b64(kept.salt), entries: kept.entries, version: kept.version,
      people: kept.people ?? Object.keys(kept.entries).length, rule: kept.rule, fetched: kept.fetched,
    };
    if (kept.rule) cfg.holdUnknown = kept.rule === "hold" ? "1" : "0";
  }

  async function keptCopy() {
    if (!secure || snapshot) return;
    const kept = await store("snapshots", "readonly", (s) => s.get(cfg.list)).catch(() => null);
    if (kept && kept.salt && !snapshot) useCopy(kept);
    showCopy();
  }

  // While online: the whole copy the first time (and every few minutes), then what changed.
  async function loadSnapshot() {
    if (!secure || navigator.onLine === false) return;
    const url = new URL(cfg.offlineUrl, location.href);
    const whole = !snapshot || Date.now() - (snapshot.fetched || 0) > FULL_COPY_AFTER_MS;
    if (snapshot) url.searchParams.set("salt", snapshot.salt);
    if (!whole) url.searchParams.set("since", snapshot.version);
    try {
      const response = await fetch(url, {credentials: "same-origin"});
      if (!response.ok) return;
      const data = await response.json();
      const sameSalt = snapshot && snapshot.salt === data.salt;
      const entries = data.full || !sameSalt ? data.entries : Object.assign(snapshot.entries, data.entries);
      const kept = {
        salt: data.salt, entries, version: data.version, people: data.people, rule: data.rule,
        fetched: data.full || !sameSalt ? Date.now() : snapshot.fetched,
      };
      useCopy(kept);
      await store("snapshots", "readwrite", (s) => s.put(kept, cfg.list));
      root.dataset.copyFetches = String(Number(root.dataset.copyFetches || 0) + 1); // by this page
    } catch (e) { /* no network: the kept copy serves */ }
    showCopy();
  }

  function pendingAnswer(extra) {
    const hold = cfg.holdUnknown === "1";
    return {tone: "pending", code: "offline_unchecked", title: words.pending,
            detail: hold ? words.pending_hold : words.pending_admit, extra};
  }

  // Decided on the phone: {queue, answer, name}.
  async function decideOffline(code, scanNonce) {
    if (!snapshot || !secure) {
      return {queue: true, answer: pendingAnswer(words.no_snapshot)};
    }
    const {lookup, key} = await derive(code, snapshot.saltBytes);
    const here = localIn.get(lookup);
    const sealed = snapshot.entries[lookup];
    let person = null;
    if (sealed) {
      const plain = await crypto.subtle.decrypt({name: "AES-GCM", iv: b64(sealed.iv)}, key, b64(sealed.c));
      person = JSON.parse(new TextDecoder().decode(plain));
    }
    const name = person ? person.n : "";
    if (person && ["cancelled", "waiting", "revoked"].includes(person.s)) {
      const refusal = {cancelled: "cancelled", waiting: "waitlisted", revoked: "revoked_code"}[person.s];
      return {queue: false, answer: {tone: "error", code: refusal, title: words[refusal], detail: person.n,
                                     extra: words.offline_mark}};
    }
    const known = person && person.t ? new Date(person.t) : null;
    if (here || known) {
      // The phone's own record counts as much as the server's: the earlier one is told.
      const mine = here && (!known || new Date(here.at) <= known);
      const title = mine && here.online
        ? fill(words.already, {time: clock(new Date(here.at)), door: cfg.doorName || ""})
        : mine
        ? fill(words.already_offline, {time: clock(new Date(here.at))})
        : person.k // a self or online check-in (checkin_place on the server): not a door
        ? fill(words["already_" + person.k], {time: clock(known)})
        : fill(words.already, {time: clock(known), door: person.d || ""});
      return {queue: false, answer: {tone: "warn", code: "already_checked_in", title,
                                     detail: name || (here && here.name) || "", extra: words.offline_mark}};
    }
    const entry = {at: Date.now(), name, nonce: scanNonce};
    localIn.set(lookup, entry);
    const remembered = admitted.add(lookup, entry);
    if (!person) return {queue: true, answer: pendingAnswer(words.offline_mark), name: "", remembered};
    const detail = [person.o, person.r].filter(Boolean).join(" — ");
    return {queue: true, name, remembered,
            answer: {tone: "ok", code: "checked_in", title: fill(words.welcome, {name: person.n}),
                     detail, extra: words.offline_saved}};
  }

  // A person this phone let in online is as much this phone's as one let in offline: if the
  // network then drops, the phone's copy may not have heard of that check-in yet, and a repeat
  // must still be amber.
  async function keepAdmitted(code, name) {
    if (!snapshot || !secure) return;
    const {lookup} = await derive(code, snapshot.saltBytes);
    const entry = {at: Date.now(), name, online: true};
    localIn.set(lookup, entry);
    await admitted.add(lookup, entry).catch(() => null);
  }

  /* ---------- scanning ---------- */

  async function post(url, body, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
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
    if (!offlineNow()) {
      try {
        const response = await post(cfg.scanUrl, scanData, REQUEST_TIMEOUT_MS);
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
          if (answer.code === "checked_in") keepAdmitted(code, answer.name || "");
          flush();
          return;
        }
      } catch (e) {
        // No answer in time: this scan, and the next ones for a while, are decided here. The
        // same nonce goes in the queue, so if the server did get it, it is still counted once.
        if (e.name === "AbortError") silentUntil = performance.now() + SILENT_FOR_MS;
      }
    }
    const decided = await decideOffline(code, scanData.nonce);
    show(decided.answer, startedAt);
    if (decided.queue) {
      const item = Object.assign(scanData, {offline: true, shown: decided.name || code.slice(0, 4) + "…"});
      await queue.add(item);
      pendingLine(item);
    }
    await decided.remembered;
    showQueue();
    if (decided.queue && navigator.onLine !== false) flush();
  }

  function seenRecently(code) {
    const now = performance.now();
    const last = seenAt.get(code);
    seenAt.set(code, now);
    return last !== undefined && now - last < REPEAT_WINDOW_MS;
  }

  const recent = document.getElementById("door-recent");

  function keepEight() {
    while (recent.children.length > 8) recent.lastElementChild.remove(); // as the server shows
  }

  // A line for what this phone let in and has not sent yet: time · name · door, waiting.
  function pendingLine(item) {
    if (!recent || recent.querySelector(`li[data-nonce="${item.nonce}"]`)) return;
    const line = document.createElement("li");
    line.className = "pending";
    line.dataset.nonce = item.nonce;
    line.textContent = [clock(new Date(item.at)), item.shown || item.name || "", cfg.doorName,
                        words.offline_short + ", " + words.waiting].filter(Boolean).join(" · ");
    recent.prepend(line);
    keepEight();
  }

  // A check-in line as the server renders it in page.html: time · name · door, and Undo.
  function remember(answer) {
    if (answer.nonce && recent) {
      const waiting = recent.querySelector(`li[data-nonce="${answer.nonce}"]`);
      if (waiting) waiting.remove();
    }
    if (!answer.checkin_id || answer.code !== "checked_in" || !recent) return;
    if (recent.querySelector(`form[data-checkin="${answer.checkin_id}"]`)) return;
    recent.prepend(checkinLine(answer));
    keepEight();
  }

  // Every door's latest check-ins, as the server has them, below what this phone has not sent.
  async function followRecent() {
    if (!recent || offlineNow() || !cfg.recentUrl) return;
    try {
      const response = await fetch(cfg.recentUrl, {credentials: "same-origin"});
      if (!response.ok) return;
      const {lines} = await response.json();
      const waiting = Array.from(recent.querySelectorAll("li.pending"));
      recent.replaceChildren(...waiting, ...lines.map(checkinLine));
      keepEight();
    } catch (e) { /* offline: the list stays as it is */ }
  }

  function checkinLine(answer) {
    const item = document.createElement("li");
    const parts = [answer.at, answer.name, answer.door];
    if (answer.representative) parts.push(fill(words.represented, {name: answer.representative}));
    item.append(parts.filter(Boolean).join(" · ") + " ");
    const form = document.createElement("form");
    form.method = "post";
    form.action = cfg.undoUrl.replace(/\/0$/, "/" + encodeURIComponent(answer.checkin_id));
    form.className = "inline";
    form.dataset.checkin = String(answer.checkin_id);
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
    return item;
  }

  const REFUSALS = ["unknown_code", "wrong_event", "cancelled", "waitlisted", "revoked_code",
                    "list_closed", "walk_in_refused"];

  // Refused once the server saw them: this door is told, and keeps the list in view.
  function refusedLater(results, sent) {
    const refused = results.filter((r) => REFUSALS.includes(r.code));
    if (!refused.length) return;
    const box = document.getElementById("door-refused");
    const when = new Map(sent.map((item) => [item.nonce, item.at]));
    for (const result of refused) {
      const line = document.createElement("li");
      line.textContent = [clock(new Date(when.get(result.nonce) || Date.now())), result.title,
                          result.detail].filter(Boolean).join(" · ");
      box.prepend(line);
    }
    box.hidden = false;
    root.dataset.refused = String(box.children.length);
    show({tone: "error", code: "refused_later", title: fill(words.refused, {n: refused.length})});
  }

  let flushing = false;
  async function flush() {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    try {
      const waiting = (await queue.all()) || [];
      if (!waiting.length) return;
      const batch = waiting.sort((a, b) => a.at - b.at).slice(0, 200);
      const response = await post(cfg.syncUrl, {scans: batch}, SYNC_TIMEOUT_MS);
      if (response.ok) {
        silentUntil = 0; // the server answers again
        const data = await response.json();
        await queue.remove(data.results.map((r) => r.nonce));
        root.dataset.synced = String(Number(root.dataset.synced || 0) + data.results.length);
        data.results.forEach(remember);
        const ended = data.results.filter((r) => r.code === "no_access").length;
        if (ended) {
          show({tone: "error", code: "no_access", title: fill(words.not_sent, {n: ended})});
        }
        refusedLater(data.results, batch);
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

  /* ---------- walk-ins without network ---------- */

  const walkInForm = document.getElementById("door-walk-in-offline");
  const walkInLink = document.getElementById("door-walk-in-link");

  function openWalkIn() {
    walkInForm.hidden = false;
    walkInForm.querySelector("input[name=name]").focus();
  }

  function closeWalkIn() {
    walkInForm.hidden = true;
    walkInForm.reset();
    if (location.pathname.endsWith("/walk-in")) history.replaceState(null, "", location.pathname.replace(/\/walk-in$/, ""));
  }

  if (walkInForm && walkInLink) {
    walkInLink.addEventListener("click", (event) => {
      if (!offlineNow()) return; // online: the full walk-in page, with its checks
      event.preventDefault();
      openWalkIn();
    });
    document.getElementById("door-walk-in-close").addEventListener("click", closeWalkIn);
    walkInForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const field = (name) => walkInForm.querySelector(`input[name=${name}]`).value.trim();
      const item = {kind: "walk_in", nonce: nonce(), at: Date.now(), list: cfg.list,
                    name: field("name"), organisation: field("organisation"), phone: field("phone")};
      if (!item.name || !item.phone) return;
      item.shown = item.name;
      await queue.add(item);
      closeWalkIn();
      show({tone: "ok", code: "walk_in_saved", title: fill(words.welcome, {name: item.name}),
            detail: item.organisation, extra: words.walk_in_saved});
      pendingLine(item);
      showQueue();
      flush();
    });
    // The walk-in page opened without network: the service worker gave this page instead.
    if (location.pathname.endsWith("/walk-in")) openWalkIn();
  }

  // What this phone let in offline, and has not sent yet, survives a reload or a restart.
  async function restore() {
    const mine = (await admitted.all().catch(() => null)) || [];
    const prefix = cfg.list + ":";
    for (const entry of mine) {
      if (entry.key.startsWith(prefix)) localIn.set(entry.key.slice(prefix.length), entry);
    }
    const waiting = (await queue.all().catch(() => null)) || [];
    waiting.filter((item) => String(item.list) === String(cfg.list))
      .sort((a, b) => a.at - b.at).forEach(pendingLine);
    // The kept shell has no names: until the server's list arrives, show whom this phone
    // itself let in, so the door still sees who just came after an offline reload.
    if (recent && !recent.querySelector("li:not(.pending)")) {
      const queued = new Set(waiting.map((item) => item.nonce));
      mine.filter((entry) => entry.key.startsWith(prefix) && entry.name && !queued.has(entry.nonce))
        .sort((a, b) => b.at - a.at).slice(0, 8).reverse().forEach(ownLine);
    }
  }

  // A line for someone this phone let in, as it remembers them: time · name · door.
  function ownLine(entry) {
    const line = document.createElement("li");
    line.className = "own";
    line.textContent = [clock(new Date(entry.at)), entry.name, cfg.doorName,
                        entry.online ? "" : words.offline_short].filter(Boolean).join(" · ");
    recent.prepend(line);
    keepEight();
  }

  const doorReady = Promise.all([restore(), keptCopy()]).catch(() => null);

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
    // Once the page can decide scans: loading the decoder must not hold up the list.
    setTimeout(() => doorReady.then(startCamera), 0);
  }

  /* ---------- start ---------- */

  // The kept shell cannot know the day it is opened: the phone's clock says whether the event
  // is now (access.door_window), as the server would have.
  const notDue = document.getElementById("door-not-due");
  if (notDue && notDue.dataset.opens) {
    const now = Date.now();
    notDue.hidden = now >= Number(notDue.dataset.opens) && now <= Number(notDue.dataset.closes);
  }

  // Over plain http:// on a hall address, nothing can be kept for offline: say so at once.
  const insecure = document.getElementById("door-insecure");
  if (insecure) insecure.hidden = Boolean(window.isSecureContext);

  // Everything the page needs to open again without network, stored on the first visit:
  // the page itself (as a shell, without names), its styles and scripts, and the decoder.
  async function keepForOffline() {
    if (!("caches" in window) || !window.isSecureContext) return;
    const cache = await caches.open(CACHE);
    const files = new Set([cfg.ponyfillUrl, cfg.wasmUrl]);
    document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]").forEach((el) => {
      files.add(el.getAttribute("href") || el.getAttribute("src"));
    });
    const missing = [];
    for (const file of files) {
      const url = new URL(file, location.href);
      if (url.origin === location.origin && !(await cache.match(url))) missing.push(url);
    }
    const page = new URL(location.pathname.replace(/\/walk-in$/, ""), location.origin);
    const shell = new URL(page);
    shell.searchParams.set("shell", "1");
    shell.searchParams.set("list", cfg.list);
    // Once the service worker looks after this page, it keeps the shell fresh itself.
    const keptShell = navigator.serviceWorker.controller && (await cache.match(page));
    await Promise.all([
      ...missing.map((url) => fetch(url, {credentials: "same-origin"}).then(
        (response) => (response.ok ? cache.put(url, response) : null))),
      keptShell ? null : fetch(shell, {credentials: "same-origin"}).then(
        (response) => (response.ok ? cache.put(page, response) : null)),
    ]);
  }

  if ("serviceWorker" in navigator && window.isSecureContext && cfg.serviceWorker) {
    const registered = navigator.serviceWorker.register(cfg.serviceWorker, {scope: "/"}).then(
      () => { root.dataset.serviceWorker = "registered"; },
      () => { root.dataset.serviceWorker = "failed"; },
    );
    const kept = navigator.onLine === false ? Promise.resolve() : keepForOffline();
    Promise.all([registered, kept, navigator.serviceWorker.ready]).then(() => {
      root.dataset.offlineReady = "1";
      root.dataset.offlineReadyMs = String(Math.round(performance.now()));
    }).catch(() => { root.dataset.offlineReady = "0"; });
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

  // Searching by name needs the server; offline, say so and offer the walk-in form.
  const searchForm = document.getElementById("door-search-form");
  if (searchForm) {
    searchForm.addEventListener("submit", (event) => {
      if (offlineNow()) {
        event.preventDefault();
        show({tone: "warn", code: "offline_search", title: words.search_offline});
      }
    });
  }

  window.addEventListener("online", () => { showQueue(); flush(); loadSnapshot(); });
  window.addEventListener("offline", showQueue);
  setInterval(flush, 5000);
  setInterval(() => { if (!offlineNow()) loadSnapshot(); }, REFRESH_MS);
  setInterval(followRecent, RECENT_MS);
  doorReady.then(showQueue).then(loadSnapshot).then(flush);
})();
