import type { Billing } from "../../services/billing/model";

const METER_LABELS = { messages: "Messages", ai_calls: "AI calls", knowledge_queries: "Knowledge queries" } as const;
const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

/** Page-only rules; inline styles are allowed by the CSP, scripts are not (the chart is plain SVG). */
export const BILLING_CSS = `
.usage{display:grid;gap:1rem;margin:0;padding:0;list-style:none}
.usage-row{display:grid;grid-template-columns:minmax(8rem,12rem) 1fr auto;gap:.75rem;align-items:center}
.usage-row svg{width:100%;height:1rem;display:block}
.usage-count{font-variant-numeric:tabular-nums;color:var(--muted);white-space:nowrap}
.usage+.hint{margin-top:1.1rem}
.plans{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem;margin:0;padding:0;list-style:none}
.plan{border:1px solid var(--line);border-radius:10px;padding:1rem}.plan.current{border:2px solid var(--primary)}
.plan h3{margin:0 0 .25rem}.price{font-size:1.4rem;font-weight:700;margin:0}.price span{font-size:.9rem;font-weight:400;color:var(--muted)}
.plan-limits{padding-left:1.1rem;margin:.5rem 0 1rem;font-size:.95rem}
.notice.warn{border-color:#8a4b00;background:#fff4e5}
button[disabled]{opacity:.55;cursor:not-allowed}
@media(max-width:36rem){.usage-row{grid-template-columns:1fr}}
`;

/** One bar per meter, used against the plan's limit; amber from 80 %, red at the limit. */
export const UsageChart = ({ billing }: { billing: Billing }) => (
  <>
    <ul class="usage">
      {(Object.keys(METER_LABELS) as Array<keyof typeof METER_LABELS>).map((meter) => {
        const used = billing.usage[meter];
        const limit = billing.limits[meter];
        const share = limit ? Math.min(1, used / limit) : used > 0 ? 1 : 0;
        const colour = limit !== null && used >= limit ? "#b42318" : share >= 0.8 && limit !== null ? "#b54708" : "#2447c4";
        const text = limit === null ? `${used.toLocaleString("en-US")} (unlimited)` : `${used.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")}`;
        return (
          <li class="usage-row">
            <span>{METER_LABELS[meter]}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`${METER_LABELS[meter]}: ${text}`}>
              <rect x="0" y="0" width="100" height="10" rx="2" fill="#e4e8f1" />
              <rect x="0" y="0" width={(share * 100).toFixed(2)} height="10" rx="2" fill={colour} />
            </svg>
            <span class="usage-count" data-meter={meter}>{text}</span>
          </li>
        );
      })}
    </ul>
    <p class="hint">
      Counted from every message your channels receive and send. Reported to Stripe this period: {billing.reported.messages.toLocaleString("en-US")} messages.
      Channels: up to {billing.limits.channels ?? "unlimited"}; seats: up to {billing.limits.seats ?? "unlimited"}.
    </p>
  </>
);

export const Invoices = ({ invoices }: { invoices: Billing["invoices"] }) =>
  invoices.length === 0 ? (
    <p class="empty">No invoices yet.</p>
  ) : (
    <div class="table-wrap" role="region" aria-labelledby="invoices-title" tabindex={0}>
      <table>
        <caption class="visually-hidden">Invoices, newest first</caption>
        <thead>
          <tr><th scope="col">Date</th><th scope="col">Status</th><th scope="col">Amount</th><th scope="col">Links</th></tr>
        </thead>
        <tbody>
          {invoices.map((i) => (
            <tr>
              <th scope="row">{i.created_at.slice(0, 10)}</th>
              <td><span class={i.status === "paid" ? "pill" : "pill invited"}>{i.status}</span></td>
              <td>{money(i.status === "paid" ? i.amount_paid : i.amount_due, i.currency)}</td>
              <td>
                {i.hosted_invoice_url ? <a href={i.hosted_invoice_url} rel="noopener noreferrer">View</a> : null}
                {i.invoice_pdf ? <> · <a href={i.invoice_pdf} rel="noopener noreferrer">PDF</a></> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
