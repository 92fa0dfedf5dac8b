import { DEFAULT_INTENTS, PRIORITIES, SENTIMENT_LABELS } from "../../understanding/port";
import { fingerprint } from "./serve";

/**
 * Progressive enhancement for the inbox, served as `/assets/inbox.js?v=<fingerprint>` (the CSP allows
 * same-origin script only; nothing inline). The pages work fully without it.
 *
 * - Thread page: opens `/v1/conversations/:id/live` (the `__Host-` session cookie authenticates the
 *   socket; no token ever goes in the URL; the server closes it when access ends or its lifetime runs out),
 *   appends `message.created`, updates delivery status on `message.updated`, and state/assignee on
 *   `conversation.updated`; `message.annotated` (the bot's turn stored how an inbound message was
 *   understood) renders the same block the server renders under the message (inbox-thread.tsx's
 *   Understanding), with the correction form when the page offers forms (the reply form is there).
 *   After a reconnect it re-reads the page to pick up anything it missed.
 * - List page: re-reads itself every 15 s while the tab is visible and swaps the list when the
 *   server's signature of it changed. Polling, not sockets: the list's rows change when conversations
 *   that have no open socket (new ones) appear, and 50 sockets per tab would keep 50 thread objects busy.
 *
 * Text from the network is only ever set with textContent; pages re-read from the server are parsed
 * with DOMParser (inert: scripts never run) and are the server's own escaped HTML.
 * Kept free of backticks and dollar-brace so it can sit in this template literal unchanged.
 */
const INBOX_JS_SOURCE = String.raw`(function () {
  "use strict";
  var POLL_MS = 15000;

  function localTimes(root) {
    var times = root.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var d = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(d.getTime())) times[i].textContent = d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    }
  }
  function readPage(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { accept: "text/html" } }).then(function (res) {
      // A lapsed session lands on the log-in page: stop rather than keep polling it.
      if (!res.ok || new URL(res.url).pathname === "/login") throw new Error("signed out");
      return res.text();
    }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }
  function say(text) {
    var live = document.getElementById("live-status");
    if (live) live.textContent = text;
  }

  localTimes(document);

  // ---- one conversation ----
  var thread = document.querySelector("[data-live-thread]");
  if (thread && window.WebSocket) {
    var conversationId = thread.getAttribute("data-conversation-id");
    var contactName = thread.getAttribute("data-contact-name") || "Customer";
    var STATUS = { pending: "Sending", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Failed", received: "" };

    var people = {};
    var options = document.querySelectorAll("#assignee option");
    for (var i = 0; i < options.length; i++) if (options[i].value) people[options[i].value] = options[i].textContent;

    var textOf = function (m) {
      if (typeof m.text === "string" && m.text) return m.text;
      var c = m.content || {};
      if (c.type === "text") return String(c.text || "");
      if (c.type === "media") return c.caption ? String(c.caption) : "[" + (c.mediaType || "attachment") + "]";
      return "[" + (c.type || "message") + "]";
    };
    var whoOf = function (m) {
      if (m.direction === "inbound") return contactName;
      if (m.sender_type === "bot") return "Bot";
      if (m.sender_type === "system") return "Parley";
      return (m.sender_id && people[m.sender_id]) || "Agent";
    };
    var statusText = function (m) {
      var s = STATUS[m.status] === undefined ? String(m.status || "") : STATUS[m.status];
      return m.status === "failed" && m.error ? s + ": " + m.error : s;
    };
    var find = function (id) {
      var items = thread.querySelectorAll("[data-message-id]");
      for (var j = 0; j < items.length; j++) if (items[j].getAttribute("data-message-id") === id) return items[j];
      return null;
    };
    var removeEmpty = function () {
      var empty = thread.querySelector("[data-empty]");
      if (empty) empty.remove();
    };

    var append = function (m) {
      if (!m || !m.id || find(m.id)) return;
      removeEmpty();
      var li = document.createElement("li");
      li.className = "msg " + (m.direction === "inbound" ? "in" : "out");
      li.setAttribute("data-message-id", m.id);
      var head = document.createElement("div");
      head.className = "msg-head";
      var who = document.createElement("span");
      who.className = "msg-who";
      who.textContent = whoOf(m);
      var time = document.createElement("time");
      time.setAttribute("datetime", m.created_at || new Date().toISOString());
      head.appendChild(who);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(time);
      var body = document.createElement("p");
      body.className = "msg-text";
      body.textContent = textOf(m);
      li.appendChild(head);
      li.appendChild(body);
      if (m.direction === "outbound") {
        var st = document.createElement("p");
        st.className = "msg-status";
        st.setAttribute("data-status", m.status || "");
        st.textContent = statusText(m);
        li.appendChild(st);
      }
      localTimes(li);
      thread.appendChild(li);
      if (m.direction === "inbound" && m.annotations) annotate(m.id, m.annotations);
    };

    // ---- how a message was understood: the markup of inbox-thread.tsx's Understanding ----
    var OPTIONS = __ANNOTATION_OPTIONS__;
    var el = function (tag, attrs, children) {
      var node = document.createElement(tag);
      for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
      for (var c = 0; c < (children || []).length; c++) {
        var child = children[c];
        if (child === null || child === undefined) continue;
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
      return node;
    };
    var intentLabel = function (i) { return String(i).split("_").join(" "); };
    var priorityBadge = function (p) {
      var title = OPTIONS.priorityTitles[p];
      if (!title) return el("span", { "class": "muted" }, ["—"]);
      return el("span", { "class": "prio prio-" + p, title: title }, [p, el("span", { "class": "visually-hidden" }, [" (" + title.split(", ")[1] + ")"])]);
    };
    var languageTag = function (code) {
      return code && code !== "und" ? el("abbr", { "class": "lang", title: "Language: " + code }, [String(code)]) : el("span", { "class": "muted" }, ["—"]);
    };
    var sentimentTag = function (label) {
      if (!label) return el("span", { "class": "muted" }, ["—"]);
      return el("span", { "class": "senti senti-" + label }, [label === "angry" ? el("span", { "aria-hidden": "true" }, ["⚠ "]) : null, String(label)]);
    };
    var row = function (term, value) { return el("div", {}, [el("dt", {}, [term]), el("dd", {}, value)]); };
    var correctSelect = function (base, name, label, options, value) {
      var id = base + "-" + name;
      var select = el("select", { id: id, name: name }, []);
      for (var o = 0; o < options.length; o++) {
        var opt = el("option", { value: options[o] }, [name === "intent" ? intentLabel(options[o]) : options[o]]);
        if (options[o] === value) opt.selected = true;
        select.appendChild(opt);
      }
      return el("div", { "class": "field" }, [el("label", { "for": id }, [label]), select]);
    };
    var csrfToken = function () {
      var input = document.querySelector("input[name=_csrf]");
      return input ? input.value : null;
    };
    var understanding = function (messageId, a) {
      var sentiment = a.sentiment || {};
      var score = typeof sentiment.score === "number" ? sentiment.score : 0;
      var entities = Array.isArray(a.entities) ? a.entities : [];
      var intent = typeof a.intent === "string" && a.intent ? a.intent : "unknown";
      var dl = el("dl", { "aria-label": "How this message was understood" }, [
        row("Priority", [priorityBadge(a.priority)]),
        row("Language", [languageTag(a.language)]),
        row("Intent", [intentLabel(intent)]),
        row("Sentiment", [sentimentTag(sentiment.label), " ", el("span", { "class": "muted" }, ["(" + score.toFixed(2) + ")"])]),
        row("Urgency", [Math.round((Number(a.urgency) || 0) * 100) + "%"]),
        entities.length ? row("Entities", [entities.map(function (e) { return String(e.type).split("_").join(" ") + ": " + String(e.value); }).join(" · ")]) : null,
        row("Source", [a.corrected ? el("span", { "class": "corrected" }, ["corrected by an agent"]) : String(a.source || "")]),
      ]);
      var box = el("div", { "class": "annot", "data-annotations": "" }, [dl]);
      // People who may correct see the form the server renders for them: the page shows the reply form to them only.
      var csrf = csrfToken();
      if (csrf && document.querySelector("form[action$='/reply']")) {
        var base = "correct-" + messageId.slice(0, 8);
        var intents = OPTIONS.intents.indexOf(intent) >= 0 ? OPTIONS.intents : [intent].concat(OPTIONS.intents);
        var form = el("form", { method: "post", action: "/app/inbox/" + encodeURIComponent(conversationId) + "/annotations", novalidate: "", "aria-label": "Correct this message's annotations" }, [
          el("input", { type: "hidden", name: "_csrf", value: csrf }, []),
          el("input", { type: "hidden", name: "message_id", value: messageId }, []),
          correctSelect(base, "intent", "Intent", intents, intent),
          correctSelect(base, "sentiment", "Sentiment", OPTIONS.sentiments, sentiment.label),
          correctSelect(base, "priority", "Priority", OPTIONS.priorities, a.priority),
          el("button", { type: "submit", "class": "secondary" }, ["Save correction"]),
        ]);
        box.appendChild(el("details", {}, [el("summary", {}, ["Correct"]), form]));
      }
      return box;
    };
    var annotate = function (messageId, a) {
      var li = messageId ? find(messageId) : null;
      // Only inbound messages are understood; a message not on this page is picked up by the next catch-up.
      if (!li || !a || typeof a !== "object" || !li.classList.contains("in")) return;
      var current = li.querySelector("[data-annotations]");
      // An agent halfway through a correction keeps their form.
      if (current && current.contains(document.activeElement)) return;
      var box = understanding(messageId, a);
      if (current) current.replaceWith(box);
      else li.appendChild(box);
      li.classList.add("annotated");
    };

    var updateStatus = function (m) {
      var li = m && m.id ? find(m.id) : null;
      var st = li && li.querySelector("[data-status]");
      if (!st) return append(m);
      st.setAttribute("data-status", m.status || "");
      st.textContent = statusText(m);
    };

    var updateConversation = function (c) {
      if (!c) return;
      var state = document.querySelector("[data-conversation-state]");
      if (state && c.state) state.textContent = String(c.state).replace("_", " ");
      var assignee = document.querySelector("[data-conversation-assignee]");
      if (assignee && c.assignee_id !== undefined) assignee.textContent = c.assignee_id ? people[c.assignee_id] || "Someone" : "Unassigned";
      // Keep the forms truthful, unless someone is in the middle of choosing.
      var stateSelect = document.getElementById("state");
      if (stateSelect && document.activeElement !== stateSelect && c.state) stateSelect.value = c.state;
      var assigneeSelect = document.getElementById("assignee");
      if (assigneeSelect && document.activeElement !== assigneeSelect && c.assignee_id !== undefined) assigneeSelect.value = c.assignee_id || "";
    };

    // After a gap, the server's page is the truth: append whatever arrived meanwhile.
    var catchUp = function () {
      // The thread's own URL, not location: after a form error the address is the POST's.
      readPage("/app/inbox/" + encodeURIComponent(conversationId)).then(function (doc) {
        var fresh = doc.querySelectorAll("[data-live-thread] [data-message-id]");
        for (var k = 0; k < fresh.length; k++) {
          if (find(fresh[k].getAttribute("data-message-id"))) continue;
          removeEmpty();
          var node = document.importNode(fresh[k], true);
          localTimes(node);
          thread.appendChild(node);
        }
      }).catch(function () {});
    };

    var retryMs = 1000;
    var failures = 0;
    var opened = false;
    var pingTimer = null;
    var connect = function () {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var ws = new WebSocket(scheme + location.host + "/v1/conversations/" + encodeURIComponent(conversationId) + "/live");
      ws.onopen = function () {
        say("Live updates on.");
        if (opened) catchUp();
        opened = true;
        retryMs = 1000;
        failures = 0;
        pingTimer = setInterval(function () { try { ws.send("ping"); } catch (e) { /* closing */ } }, 45000);
      };
      ws.onmessage = function (e) {
        var event;
        try { event = JSON.parse(e.data); } catch (err) { return; }
        if (!event || event.conversation_id !== conversationId) return;
        if (event.type === "message.created") append(event.message);
        else if (event.type === "message.updated") updateStatus(event.message);
        else if (event.type === "message.annotated") annotate(event.message_id, event.annotations);
        else if (event.type === "conversation.updated") updateConversation(event.conversation);
      };
      ws.onclose = function (e) {
        clearInterval(pingTimer);
        // 4002: the socket's access lifetime ran out; the session cookie opens a fresh one at once.
        // 4001: access ended (signed out, removed, role changed): the next handshake re-checks it.
        if (e && e.code === 4002) { failures = 0; retryMs = 1000; setTimeout(connect, 0); return; }
        failures += 1;
        if (failures > 8) { say("Live updates stopped. Reload the page to see new messages."); return; }
        say("Live updates paused, reconnecting\u2026");
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 30000);
      };
    };
    connect();
  }

  // ---- the list ----
  var list = document.querySelector("[data-inbox-list]");
  if (list) {
    var timer = null;
    var refresh = function () {
      timer = null;
      readPage(location.href).then(function (doc) {
        var fresh = doc.querySelector("[data-inbox-list]");
        var current = document.querySelector("[data-inbox-list]");
        if (!fresh || !current) return;
        if (fresh.getAttribute("data-signature") !== current.getAttribute("data-signature")) {
          // Keep keyboard users where they were: refocus the same link in the new list.
          var focused = current.contains(document.activeElement) && document.activeElement.getAttribute("href");
          var node = document.importNode(fresh, true);
          localTimes(node);
          current.replaceWith(node);
          if (focused) {
            var links = node.querySelectorAll("a[href]");
            for (var i = 0; i < links.length; i++) if (links[i].getAttribute("href") === focused) { links[i].focus(); break; }
          }
          say("Inbox updated.");
        }
        schedule();
      }).catch(function () { say("Automatic refresh stopped. Reload the page to see new conversations."); });
    };
    var schedule = function () {
      if (!timer && document.visibilityState === "visible") timer = setTimeout(refresh, POLL_MS);
    };
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { if (timer) clearTimeout(timer); refresh(); }
      else if (timer) { clearTimeout(timer); timer = null; }
    });
    schedule();
  }
})();
`;

/** The choices of the correction form, the same lists the server-rendered form offers. */
const ANNOTATION_OPTIONS = {
  intents: DEFAULT_INTENTS,
  sentiments: SENTIMENT_LABELS,
  priorities: PRIORITIES,
  priorityTitles: { P0: "P0, most urgent", P1: "P1, urgent", P2: "P2, normal", P3: "P3, low" },
};
// JSON of fixed lists only (no user data); "<" is escaped anyway so the script can never close a tag.
export const INBOX_JS = INBOX_JS_SOURCE.replace("__ANNOTATION_OPTIONS__", JSON.stringify(ANNOTATION_OPTIONS).replace(/</g, "\\u003c"));

/** Versioned URL: the page always asks for the script it was rendered with, so it can be cached forever. */
export const INBOX_JS_PATH = `/assets/inbox.js?v=${fingerprint(INBOX_JS)}`;
