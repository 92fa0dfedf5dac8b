/**
 * The whole stylesheet, inlined (CSP allows inline styles, and there are no external assets to fetch).
 * Colours meet WCAG AA contrast on their backgrounds; focus is always visible, never removed.
 */
export const CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--bg:#f4f6fb;--card:#fff;--text:#172033;--muted:#4a5568;--line:#d9dee8;--primary:#2447c4;--primary-dark:#1a3597;
--danger:#b42318;--danger-bg:#fef3f2;--ok:#05603a;--ok-bg:#ecfdf3;--focus:#f5b400;--radius:12px}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--primary)}a:hover{color:var(--primary-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:4px}
.skip{position:absolute;left:-999px;top:.5rem;background:var(--card);padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.topbar{background:var(--card);border-bottom:1px solid var(--line)}
.topbar-inner{max-width:68rem;margin:0 auto;padding:.75rem 1.25rem;display:flex;align-items:center;gap:1rem;flex-wrap:wrap}
.brand{font-weight:700;font-size:1.15rem;color:var(--text);text-decoration:none;display:flex;align-items:center;gap:.5rem}
.brand-mark{display:inline-grid;place-items:center;width:1.9rem;height:1.9rem;border-radius:8px;background:var(--primary);color:#fff;font-size:1rem}
.topbar-user{margin-left:auto;display:flex;align-items:center;gap:.75rem;color:var(--muted);font-size:.95rem;min-width:0}
.topbar-email{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
main{max-width:68rem;margin:0 auto;padding:2rem 1.25rem 3rem}
.auth{max-width:28rem;margin:1rem auto}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1.5rem;box-shadow:0 1px 2px rgba(16,24,40,.05),0 4px 16px rgba(16,24,40,.04)}
.card+.card{margin-top:1.5rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .35rem}
h2{font-size:1.25rem;margin:0 0 1rem}
h3{font-size:1.05rem;margin:1.5rem 0 .75rem}
.lead{color:var(--muted);margin:0 0 1.5rem}
.field{margin-bottom:1.1rem}
label{display:block;font-weight:600;margin-bottom:.3rem}
.optional{font-weight:400;color:var(--muted)}
.hint{color:var(--muted);font-size:.9rem;margin:-.1rem 0 .4rem}
input,select{width:100%;font:inherit;color:inherit;background:#fff;border:1.5px solid #8792a6;border-radius:8px;padding:.6rem .75rem;min-height:2.75rem}
input:focus-visible,select:focus-visible{outline:3px solid var(--focus);outline-offset:0;border-color:var(--text)}
input[aria-invalid="true"],select[aria-invalid="true"]{border-color:var(--danger);border-width:2px}
input[readonly]{background:#f8f9fc}
.field-error{color:var(--danger);font-weight:600;font-size:.95rem;margin:.35rem 0 0}
.error-summary{border:2px solid var(--danger);background:var(--danger-bg);border-radius:8px;padding:.85rem 1rem;margin-bottom:1.25rem}
.error-summary p{margin:0 0 .35rem;font-weight:700}
.error-summary ul{margin:0;padding-left:1.2rem}
.error-summary a{color:var(--danger);font-weight:600}
.notice{border:2px solid var(--ok);background:var(--ok-bg);border-radius:8px;padding:.85rem 1rem;margin-bottom:1.5rem}
.notice p{margin:0 0 .5rem}.notice p:last-child{margin:0}
.invite-link{display:block;background:#fff;border:1px solid var(--line);padding:.5rem .65rem;word-break:break-all;user-select:all}
button,.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;font-weight:600;min-height:2.75rem;padding:.55rem 1.1rem;border-radius:8px;border:1.5px solid var(--primary);background:var(--primary);color:#fff;cursor:pointer;text-decoration:none;white-space:nowrap}
button:hover,.button:hover{background:var(--primary-dark);border-color:var(--primary-dark);color:#fff}
button.secondary{background:#fff;color:var(--primary)}
button.secondary:hover{background:#eef2ff;color:var(--primary-dark)}
.full{width:100%}
.alt{margin:1.25rem 0 0;text-align:center;color:var(--muted)}
.ws-head{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;gap:1rem;margin-bottom:1.5rem}
.meta{overflow-wrap:anywhere;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;margin:0;color:var(--muted)}
.meta dt{display:inline;font-weight:600;color:var(--text)}.meta dd{display:inline;margin:0 0 0 .3rem}
.pill{display:inline-block;padding:.05rem .55rem;border-radius:999px;background:#eef2ff;color:#1f3aa6;font-size:.85rem;font-weight:600}
.pill.invited{background:#fff4e5;color:#8a4b00}
.grid{display:grid;grid-template-columns:1fr;gap:1.5rem}
@media(min-width:60rem){.grid{grid-template-columns:1fr 1fr}.grid .card+.card{margin-top:0}}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.55rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#f8f9fc;font-size:.85rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tbody tr:last-child>*{border-bottom:0}
tbody th{font-weight:600}
.empty{color:var(--muted);margin:0}
.row{display:grid;grid-template-columns:1fr;gap:0 1rem}
@media(min-width:36rem){.row{grid-template-columns:1fr 1fr}}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f3f8;padding:.1rem .3rem;border-radius:4px}
.app-nav{display:flex;gap:.25rem;margin:-.75rem 0 1.25rem;border-bottom:1px solid var(--line)}
.app-nav a{padding:.5rem .85rem;text-decoration:none;font-weight:600;color:var(--muted);border-bottom:3px solid transparent;margin-bottom:-1px}
.app-nav a[aria-current="page"]{color:var(--primary);border-bottom-color:var(--primary)}
.tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1.25rem}
.tabs a{padding:.35rem .85rem;border:1.5px solid var(--line);border-radius:999px;background:var(--card);text-decoration:none;font-weight:600;font-size:.95rem;color:var(--text)}
.tabs a[aria-current="page"]{background:var(--primary);border-color:var(--primary);color:#fff}
.crumbs{margin:0 0 .75rem}.pager{display:flex;gap:1.25rem;margin:1rem 0 0}.muted{color:var(--muted)}
.live-status{margin:.75rem 0 0;min-height:1.4em}
.pill.state-awaiting_agent,.pill.state-reopened{background:#fff4e5;color:#8a4b00}
.pill.state-escalated{background:var(--danger-bg);color:var(--danger)}
.pill.state-resolved{background:var(--ok-bg);color:var(--ok)}
.inbox-grid{display:grid;grid-template-columns:1fr;gap:1.5rem;align-items:start}
.inbox-grid .card+.card{margin-top:1.5rem}
@media(min-width:60rem){.inbox-grid{grid-template-columns:minmax(0,2fr) minmax(0,1fr)}}
.thread{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.75rem}
.msg{max-width:85%;padding:.6rem .85rem;border-radius:12px;border:1px solid var(--line);background:#f8f9fc}
.msg.out{align-self:flex-end;background:#eef2ff;border-color:#c7d2fe}
.msg-head{font-size:.85rem;color:var(--muted)}.msg-who{font-weight:700;color:var(--text)}
.msg-text{margin:.2rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.msg-status{margin:.2rem 0 0;font-size:.8rem;color:var(--muted);text-align:right}
.msg-status[data-status="failed"]{color:var(--danger);font-weight:600}
textarea{width:100%;font:inherit;color:inherit;background:#fff;border:1.5px solid #8792a6;border-radius:8px;padding:.6rem .75rem;resize:vertical}
textarea:focus-visible{outline:3px solid var(--focus);outline-offset:0;border-color:var(--text)}
textarea[aria-invalid="true"]{border-color:var(--danger);border-width:2px}
aside.card form+form{margin-top:1.25rem;padding-top:1rem;border-top:1px solid var(--line)}
aside.card h3{margin-top:0}
@media(max-width:36rem){main{padding:1.25rem .75rem 2rem}.card{padding:1.1rem}.topbar-email{display:none}}
`;
