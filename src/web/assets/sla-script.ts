/**
 * The inbox's live SLA countdown, served as `/assets/sla.js?v=<fingerprint>` (same-origin; the CSP
 * allows no inline script). Each `.sla-badge[data-sla-due]` carries its deadline and the business
 * intervals between render time and the deadline; every second the remaining time is the business
 * time left inside those intervals, so the badge stands still outside business hours. Without the
 * script the server-rendered text stays as it was. Text is only set with textContent.
 * Kept free of backticks and dollar-brace so it can sit in this template literal unchanged.
 */
export const SLA_JS = `(function () {
  "use strict";
  if (window.__parleySla) return;
  window.__parleySla = true;
  function fmt(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    function two(n) { return (n < 10 ? "0" : "") + n; }
    if (s < 3600) return Math.floor(s / 60) + "m " + two(s % 60) + "s";
    if (s < 86400) return Math.floor(s / 3600) + "h " + two(Math.floor((s % 3600) / 60)) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }
  function left(intervals, now, due) {
    var total = 0;
    for (var i = 0; i < intervals.length; i++) {
      var a = Math.max(intervals[i][0], now), b = Math.min(intervals[i][1], due);
      if (b > a) total += b - a;
    }
    return total;
  }
  function tick() {
    var now = Date.now();
    var badges = document.querySelectorAll(".sla-badge[data-sla-due]");
    for (var i = 0; i < badges.length; i++) {
      var el = badges[i];
      var due = Number(el.getAttribute("data-sla-due"));
      var warn = Number(el.getAttribute("data-sla-warn"));
      var label = el.getAttribute("data-sla-label") || "SLA";
      var intervals;
      try { intervals = JSON.parse(el.getAttribute("data-sla-intervals") || "[]"); } catch (e) { continue; }
      var ms = now >= due ? 0 : left(intervals, now, due);
      var overdue = now >= due;
      el.textContent = overdue ? label + " overdue" : label + " " + fmt(ms);
      el.classList.toggle("sla-breached", overdue);
      el.classList.toggle("sla-warn", !overdue && ms <= warn);
      el.classList.toggle("sla-ok", !overdue && ms > warn);
    }
  }
  tick();
  setInterval(tick, 1000);
})();
`;
