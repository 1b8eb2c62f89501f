import type { Node, NodeType } from '../../spec/types.ts';
import type { Session } from '../session.ts';
import type { ThreadRunState } from '../state.ts';

/** What the engine does when a thread arrives at a node of one kind. */
export type ArriveHandler<T extends NodeType> = (s: Session, thread: ThreadRunState, node: Extract<Node, { type: T }>) => void;

/** Re-checks a node that waits on the WfRun itself (its children, say) on every advance pass; true if it moved. */
export type CheckHandler<T extends NodeType> = (s: Session, thread: ThreadRunState, node: Extract<Node, { type: T }>) => boolean;
