import { compileEventPattern } from './pattern.ts';

/**
 * The one place the local bus gets its event-pattern semantics from: the full EventBridge matcher and its
 * validation (local/eventbridge/pattern.ts). A pattern is compiled, and so validated, when its rule is loaded,
 * as PutRule validates it; an invalid one throws InvalidEventPatternError.
 */
export type { EventMatcher } from './pattern.ts';
export { InvalidEventPatternError } from './pattern.ts';

export const compileRulePattern = compileEventPattern;
