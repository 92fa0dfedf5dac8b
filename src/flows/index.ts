/**
 * The flow engine's public surface: pure TypeScript, no I/O. A caller parses a stored definition,
 * runs it with its own ports and stores the returned state (the conversation thread object does this
 * for live conversations; the simulator does it with side effects off).
 */
export { parseDefinition, FlowDefinitionSchema, type FlowDefinition, type FlowNode, type NodeType } from "./definition";
export { validateFlow, type FlowProblem } from "./validate";
export { run, conversationLanguage, DEFAULT_MAX_STEPS, type Annotations, type FlowAction, type FlowInput, type FlowPorts, type FlowRunResult, type FlowState, type FlowStep } from "./interpreter";
export { evaluateCondition, patternProblem, celProblem } from "./conditions";
export { httpTargetProblem, isPrivateAddress } from "./http-target";
