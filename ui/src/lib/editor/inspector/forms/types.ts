import type { Catalog, Node, WfSpec } from '@gallop/engine';
import type { PlacedProblem } from '../../problems.ts';
import type { VisibleVariable } from '../variables.ts';

/** What every node type's form gets from NodeInspector. */
export interface FormProps<N extends Node> {
  spec: WfSpec;
  /** The thread the node is in. */
  thread: string;
  node: N;
  /** The node's name (its key in the thread's nodes); absent for a form of a part of a node, such as a reminder's task. */
  name?: string | undefined;
  /** The engine's problems with the node (validateWfSpec's, placed), for the form to show beside what they are about. */
  problems?: readonly PlacedProblem[] | undefined;
  catalog: Catalog;
  /** The variables to offer (see visibleVariables). */
  variables: readonly VisibleVariable[];
  /** Called with the whole new node on every change. */
  onchange: (node: N) => void;
  /** Adds a ThreadSpec, for "New thread" buttons. */
  onaddthread?: ((name: string) => void) | undefined;
}
