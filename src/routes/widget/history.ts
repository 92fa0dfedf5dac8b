import { visitorHistory } from "../../services/webchat/history";
import { bearerOf, requireVisitor, type WidgetContext } from "./channel";

/** `GET /widget/:tenantId/:channelId/history` with the visitor token → that visitor's own messages. */
export async function getHistory(c: WidgetContext) {
  const channel = c.get("channel");
  const visitor = await requireVisitor(c, bearerOf(c));
  const data = await visitorHistory({ ctx: c.get("ctx"), input: { tenantId: channel.tenantId, channelId: channel.id, visitorId: visitor.visitorId } });
  c.header("Cache-Control", "no-store");
  return c.json({ data }, 200);
}
