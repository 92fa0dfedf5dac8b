/**
 * The embeddable web chat widget, served as `/widget.js`:
 *
 *   <script src="https://<parley>/widget.js" data-channel="<tenant id>/<channel id>" async></script>
 *
 * Plain ES2017, no framework, no build step: the text below is what browsers run. It lives in a shadow
 * root (host page CSS neither leaks in nor out) and only ever sets text with textContent, so nothing a
 * visitor or agent writes is parsed as HTML. It talks to `/widget/:tenant/:channel/{session,messages,
 * history,live}` on the origin it was loaded from. Optional attributes: `data-title` (panel heading).
 * Kept free of backticks and dollar-brace so it can sit in this template literal unchanged.
 */
export const WIDGET_JS = String.raw`(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-channel][src*='/widget.js']");
  if (!script || window.__parleyWidget) return;
  window.__parleyWidget = true;
  var parts = (script.getAttribute("data-channel") || "").split("/");
  var base = new URL(script.src, location.href).origin;
  if (parts.length !== 2 || !parts[0] || !parts[1]) { console.warn("Parley widget: data-channel must be <tenant id>/<channel id>"); return; }
  var api = base + "/widget/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]);
  var storeKey = "parley-widget:" + parts[0] + "/" + parts[1];
  var title = script.getAttribute("data-title") || "Chat with us";

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".pw{font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#172033}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;background:#2447c4;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(16,24,40,.3);display:grid;place-items:center}",
    ".launcher:hover{background:#1a3597}",
    ".launcher svg{width:28px;height:28px}",
    ".badge{position:absolute;top:-2px;right:-2px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b42318;color:#fff;font-size:13px;font-weight:700;line-height:22px;text-align:center}",
    ":focus-visible{outline:3px solid #f5b400;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:92px;z-index:2147483000;width:370px;max-width:calc(100vw - 40px);height:540px;max-height:calc(100vh - 120px);background:#fff;border:1px solid #d9dee8;border-radius:14px;box-shadow:0 12px 40px rgba(16,24,40,.22);display:flex;flex-direction:column;overflow:hidden}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 12px 12px 16px;background:#2447c4;color:#fff}",
    ".head h2{margin:0;font-size:17px;font-weight:700}",
    ".close{min-width:44px;min-height:44px;border:0;border-radius:8px;background:transparent;color:#fff;font-size:26px;line-height:1;cursor:pointer}",
    ".close:hover{background:rgba(255,255,255,.15)}",
    ".log{flex:1;margin:0;padding:14px;list-style:none;overflow-y:auto;background:#f4f6fb;display:flex;flex-direction:column;gap:8px}",
    ".empty{color:#4a5568;font-size:15px;text-align:center;margin:auto 0}",
    ".msg{max-width:82%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.me{align-self:flex-end;background:#2447c4;color:#fff;border-bottom-right-radius:4px}",
    ".msg.them{align-self:flex-start;background:#fff;border:1px solid #d9dee8;border-bottom-left-radius:4px}",
    ".meta{display:block;font-size:12px;opacity:.85;margin-top:2px}",
    ".msg.failed{background:#fef3f2;color:#b42318;border:1px solid #b42318}",
    ".retry{margin-left:6px;border:0;background:none;color:inherit;font:inherit;font-size:12px;text-decoration:underline;cursor:pointer;padding:0}",
    ".sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".status{margin:0;padding:0 14px;font-size:13px;color:#4a5568;min-height:0}",
    ".status:not(:empty){padding:6px 14px}",
    ".composer{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid #d9dee8;background:#fff}",
    ".field{flex:1;display:flex;flex-direction:column;gap:4px}",
    ".field label{font-size:13px;font-weight:600;color:#4a5568}",
    "textarea{width:100%;min-height:44px;max-height:140px;resize:none;font:inherit;font-size:16px;color:inherit;border:1.5px solid #8792a6;border-radius:10px;padding:9px 10px}",
    "textarea:focus-visible{outline:3px solid #f5b400;outline-offset:0;border-color:#172033}",
    ".send{min-height:44px;padding:0 16px;border:0;border-radius:10px;background:#2447c4;color:#fff;font:inherit;font-weight:600;cursor:pointer}",
    ".send:hover{background:#1a3597}",
    ".send:disabled{opacity:.6;cursor:default}",
    "@media (max-width:480px){.panel{inset:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0;border:0}.launcher{right:14px;bottom:14px}.pw.open .launcher{display:none}}"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }

  // ---- DOM, in a shadow root ----
  var host = el("div", { "data-parley-widget": "" });
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    // Constructed sheets are not inline <style>, so a host page's strict style-src CSP does not block them.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", {}, CSS));
  }
  var wrap = el("div", { class: "pw" });
  var launcher = el("button", { type: "button", class: "launcher", "aria-label": "Open chat", "aria-expanded": "false", "aria-controls": "pw-panel" });
  var svgNs = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(svgNs, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var path = document.createElementNS(svgNs, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  icon.appendChild(path);
  launcher.appendChild(icon);
  var badge = el("span", { class: "badge", "aria-hidden": "true", hidden: "" });
  launcher.appendChild(badge);

  var panel = el("section", { id: "pw-panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "pw-title", hidden: "" });
  var head = el("div", { class: "head" });
  head.appendChild(el("h2", { id: "pw-title" }, title));
  var closeBtn = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, "\u00d7");
  head.appendChild(closeBtn);
  var log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var empty = el("li", { class: "empty" }, "Send us a message and we will reply here.");
  log.appendChild(empty);
  var status = el("p", { class: "status", role: "status" });
  var form = el("form", { class: "composer", novalidate: "" });
  var field = el("div", { class: "field" });
  field.appendChild(el("label", { for: "pw-text" }, "Your message"));
  var input = el("textarea", { id: "pw-text", name: "text", rows: "1", maxlength: "4096", autocomplete: "off", "aria-describedby": "pw-hint" });
  field.appendChild(input);
  field.appendChild(el("span", { id: "pw-hint", class: "sr" }, "Press Enter to send, Shift+Enter for a new line."));
  var sendBtn = el("button", { type: "submit", class: "send" }, "Send");
  form.appendChild(field);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(wrap);

  // ---- session ----
  var session = null;
  try { session = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { session = null; }
  function saveSession(s) {
    session = s;
    try { localStorage.setItem(storeKey, JSON.stringify(s)); } catch (e) { /* storage blocked: this page view only */ }
  }
  function sessionFresh() { return session && session.token && Date.parse(session.expires_at) - Date.now() > 60000; }

  function request(method, path, body, token) {
    var headers = {};
    if (token) headers.authorization = "Bearer " + token;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(api + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", mode: "cors", cache: "no-store" });
  }

  // A new visitor proves a little work first (the server's WWW-Authenticate names the challenge):
  // find a nonce whose SHA-256 with the challenge starts with "difficulty" zero bits.
  function leadingZeroBits(buf) {
    var bytes = new Uint8Array(buf), bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(bytes[i]) - 24;
    }
    return bits;
  }
  function solve(challenge, difficulty) {
    var enc = new TextEncoder();
    var n = 0;
    function step() {
      var batch = [];
      for (var k = 0; k < 64; k++, n++) batch.push(String(n));
      return Promise.all(batch.map(function (nonce) {
        return crypto.subtle.digest("SHA-256", enc.encode(challenge + "." + nonce)).then(function (d) { return leadingZeroBits(d) >= difficulty ? nonce : null; });
      })).then(function (found) {
        for (var j = 0; j < found.length; j++) if (found[j] !== null) return found[j];
        return step();
      });
    }
    return step();
  }
  function startSession(token) {
    return request("POST", "/session", undefined, token).then(function (res) {
      if (res.ok) return res.json();
      var m = /challenge="([^"]+)", difficulty="(\d+)"/.exec(res.headers.get("WWW-Authenticate") || "");
      if (res.status !== 401 || !m) throw new Error("session " + res.status);
      return solve(m[1], Number(m[2])).then(function (nonce) {
        return request("POST", "/session", { challenge: m[1], nonce: nonce });
      }).then(function (again) {
        if (!again.ok) throw new Error("session " + again.status);
        return again.json();
      });
    });
  }

  var sessionPromise = null;
  // Renewal presents the old token, so the visitor keeps their id (and thread) across days.
  function ensureSession(force) {
    if (!force && sessionFresh()) return Promise.resolve(session);
    if (!sessionPromise) {
      sessionPromise = startSession(session && session.token).then(function (s) {
        saveSession(s);
        return s;
      }).finally(function () { sessionPromise = null; });
    }
    return sessionPromise;
  }

  // ---- messages ----
  var seen = {};
  var pending = [];
  var unread = 0;

  function textOf(content) {
    if (!content) return "";
    if (content.type === "text") return String(content.text || "");
    if (content.type === "media") return content.caption ? String(content.caption) : "[attachment]";
    return "[message]";
  }
  function timeText(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(mine, text, meta) {
    if (empty.parentNode) empty.parentNode.removeChild(empty);
    var li = el("li", { class: "msg " + (mine ? "me" : "them") });
    li.appendChild(el("span", { class: "sr" }, mine ? "You: " : "Reply: "));
    li.appendChild(document.createTextNode(text));
    var m = el("span", { class: "meta" }, meta);
    li.appendChild(m);
    log.appendChild(li);
    scrollDown();
    return li;
  }
  function setMeta(li, text) { li.querySelector(".meta").textContent = text; }

  function show(message, announceUnread) {
    if (!message || !message.id || seen[message.id]) return;
    seen[message.id] = true;
    var mine = message.direction === "inbound";
    var text = textOf(message.content);
    if (mine) {
      // Our own message coming back from the server: settle the bubble we drew when sending.
      for (var i = 0; i < pending.length; i++) {
        var p = pending[i];
        if ((message.client_message_id && p.id === message.client_message_id) || (!message.client_message_id && p.text === text)) {
          pending.splice(i, 1);
          p.li.setAttribute("data-id", message.id);
          setMeta(p.li, timeText(message.created_at));
          return;
        }
      }
    }
    var li = bubble(mine, text, timeText(message.created_at));
    li.setAttribute("data-id", message.id);
    if (!mine && announceUnread && panel.hidden) {
      unread += 1;
      badge.textContent = String(unread);
      badge.hidden = false;
      launcher.setAttribute("aria-label", "Open chat, " + unread + (unread === 1 ? " new message" : " new messages"));
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function deliver(p, retried) {
    setMeta(p.li, "Sending\u2026");
    p.li.classList.remove("failed");
    return ensureSession(false).then(function (s) {
      return request("POST", "/messages", { text: p.text, client_message_id: p.id }, s.token);
    }).then(function (res) {
      if (res.status === 401 && !retried) return ensureSession(true).then(function () { return deliver(p, true); });
      if (!res.ok) throw new Error(res.status === 429 ? "Too many messages. Wait a moment." : "Not sent.");
      p.accepted = true;
      if (p.li.getAttribute("data-id") === null) setMeta(p.li, "Sent");
      connect();
    }).catch(function (err) {
      p.li.classList.add("failed");
      setMeta(p.li, (err && err.message && err.message.indexOf("Too many") === 0) ? err.message : "Not sent.");
      var again = el("button", { type: "button", class: "retry" }, "Retry");
      again.addEventListener("click", function () { again.remove(); deliver(p, false); });
      p.li.querySelector(".meta").appendChild(again);
    });
  }

  function send() {
    var text = input.value.trim();
    if (!text) { status.textContent = "Write a message first."; input.focus(); return; }
    status.textContent = "";
    input.value = "";
    grow();
    var p = { id: newId(), text: text, li: bubble(true, text, "Sending\u2026"), accepted: false };
    pending.push(p);
    deliver(p, false);
  }

  function loadHistory() {
    return ensureSession(false).then(function (s) {
      return request("GET", "/history", undefined, s.token);
    }).then(function (res) {
      if (!res.ok) throw new Error("history " + res.status);
      return res.json();
    }).then(function (body) {
      (body.data || []).forEach(function (m) { show(m, false); });
    });
  }

  // ---- live updates ----
  var ws = null;
  var retryMs = 1000;
  var pingTimer = null;
  var reconnectTimer = null;
  function connect() {
    if (ws || reconnectTimer || !window.WebSocket) return;
    ensureSession(false).then(function (s) {
      if (ws) return;
      // The token rides as a subprotocol, never in the URL (logs keep URLs); the server answers parley.v1.
      var socket = new WebSocket(api.replace(/^http/, "ws") + "/live", ["parley.v1", "visitor." + s.token]);
      ws = socket;
      socket.onopen = function () {
        retryMs = 1000;
        // Messages may have arrived while we were away: history fills the gap (dedupe is by id).
        loadHistory().catch(function () {});
        pingTimer = setInterval(function () { try { socket.send("ping"); } catch (e) { /* closing */ } }, 45000);
      };
      socket.onmessage = function (e) {
        var event;
        try { event = JSON.parse(e.data); } catch (err) { return; }
        if (event && event.type === "message.created") show(event.message, true);
      };
      socket.onclose = function () {
        clearInterval(pingTimer);
        ws = null;
        reconnectTimer = setTimeout(function () { reconnectTimer = null; connect(); }, retryMs);
        retryMs = Math.min(retryMs * 2, 30000);
      };
    }).catch(function () {
      reconnectTimer = setTimeout(function () { reconnectTimer = null; connect(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  // ---- open, close, keyboard ----
  var started = false;
  function open() {
    panel.hidden = false;
    wrap.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Hide chat");
    unread = 0;
    badge.hidden = true;
    input.focus();
    if (!started) {
      started = true;
      loadHistory().then(connect).catch(function () {
        status.textContent = "Chat is unavailable right now. Please try again later.";
      });
    }
    scrollDown();
  }
  function close() {
    panel.hidden = true;
    wrap.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    launcher.focus();
  }
  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 3, 140) + "px";
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); close(); } });
  input.addEventListener("input", grow);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });

  function mount() {
    document.body.appendChild(host);
    // A returning visitor hears replies even before opening the panel (shown as a badge).
    if (session && session.token) { started = true; loadHistory().then(connect).catch(function () {}); }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
`;
