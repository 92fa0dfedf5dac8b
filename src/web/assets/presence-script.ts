import { fingerprint } from "./serve";

/**
 * The inbox's presence socket: kept open while an inbox page is, so the member's AgentPresence object
 * knows they are there; when every one of their pages is gone it marks them offline. Reconnects with
 * backoff after a drop (a reconnect inside the grace period keeps them as they were). Plain ES5 in a
 * string, served as a same-origin asset (the CSP allows no inline script).
 */
const PRESENCE_JS_SOURCE = `(function () {
  "use strict";
  if (!("WebSocket" in window)) return;
  var delay = 1000, socket = null, timer = null;
  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/app/presence";
    try { socket = new WebSocket(url); } catch (e) { return retry(); }
    socket.onopen = function () {
      delay = 1000;
      clearInterval(timer);
      timer = setInterval(function () { if (socket && socket.readyState === 1) socket.send("ping"); }, 25000);
    };
    socket.onclose = function () { clearInterval(timer); retry(); };
  }
  function retry() { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }
  connect();
})();
`;

export const PRESENCE_JS = PRESENCE_JS_SOURCE;
export const PRESENCE_JS_PATH = `/assets/presence.js?v=${fingerprint(PRESENCE_JS)}`;
