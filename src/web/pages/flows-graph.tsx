import * as dagre from "@dagrejs/dagre";
import { edgesOf, type FlowDefinition } from "../../flows/definition";

const NODE_W = 170;
const NODE_H = 46;
const COLORS: Record<string, string> = {
  message: "#2447c4",
  ask: "#7a3fc4",
  condition: "#b26a00",
  set: "#5b6474",
  knowledge_answer: "#0f7b6c",
  create_ticket: "#9c3d54",
  escalate: "#c4312b",
  reservation: "#0f6cbd",
  http: "#3d5a80",
  wait: "#7a3fc4",
  end: "#3b3b3b",
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The flow as a picture, laid out on the server (no script on the page): boxes per node, arrows per
 * edge labelled with the field that takes it, nodes with problems outlined in red.
 */
export const FlowGraph = ({ definition, problemNodes }: { definition: FlowDefinition; problemNodes: Set<string> }) => {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 44, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = Object.keys(definition.nodes);
  for (const id of ids) g.setNode(id, { width: NODE_W, height: NODE_H });
  const missing = new Set<string>();
  for (const [id, node] of Object.entries(definition.nodes)) {
    for (const e of edgesOf(node)) {
      if (!definition.nodes[e.to]) {
        missing.add(e.to);
        g.setNode(e.to, { width: NODE_W, height: NODE_H });
      }
      g.setEdge(id, e.to, { label: e.field === "next" ? "" : e.field, width: e.field === "next" ? 0 : 60, height: 14 }, `${id}:${e.field}`);
    }
  }
  dagre.layout(g);
  const { width = 200, height = 100 } = g.graph();

  return (
    <svg class="flow-graph" role="img" aria-labelledby="flow-graph-title" viewBox={`0 0 ${Math.ceil(width)} ${Math.ceil(height)}`} width="100%" style="max-height:44rem;background:#fbfcfe;border:1px solid var(--line);border-radius:8px">
      <title id="flow-graph-title">{`Flow graph: ${ids.length} nodes, starting at ${definition.start}`}</title>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="#667085" />
        </marker>
      </defs>
      {g.edges().map((e) => {
        const edge = g.edge(e) as unknown as { points: Array<{ x: number; y: number }>; label?: string; x?: number; y?: number };
        const d = edge.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
        return (
          <g>
            <path d={d} fill="none" stroke="#98a2b3" stroke-width="1.5" marker-end="url(#arrow)" />
            {edge.label ? (
              <text x={edge.x} y={edge.y} font-size="10" text-anchor="middle" fill="#475467">
                {clip(edge.label, 18)}
              </text>
            ) : null}
          </g>
        );
      })}
      {g.nodes().map((id) => {
        const n = g.node(id);
        const node = definition.nodes[id];
        const bad = problemNodes.has(id) || missing.has(id);
        const color = node ? (COLORS[node.type] ?? "#344054") : "#c4312b";
        return (
          <g>
            <rect
              x={n.x - NODE_W / 2}
              y={n.y - NODE_H / 2}
              width={NODE_W}
              height={NODE_H}
              rx="8"
              fill={bad ? "#fdecea" : "#fff"}
              stroke={bad ? "#c4312b" : color}
              stroke-width={bad ? 3 : id === definition.start ? 2.5 : 1.5}
              stroke-dasharray={missing.has(id) ? "5 4" : undefined}
            />
            <text x={n.x} y={n.y - 4} font-size="12" font-weight="700" text-anchor="middle" fill="#101828">
              {clip(id, 22)}
            </text>
            <text x={n.x} y={n.y + 12} font-size="10" text-anchor="middle" fill={color}>
              {node ? `${id === definition.start ? "start · " : ""}${node.type}` : "missing node"}
            </text>
          </g>
        );
      })}
    </svg>
  );
};
