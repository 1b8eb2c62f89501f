import type { Catalog, Node, WfSpec } from '@gallop/engine';
import type { VisibleVariable } from '../variables.ts';

/** What every node type's form gets from NodeInspector. */
export interface FormProps<N extends Node> {
  spec: WfSpec;
  /** The thread the node is in. */
  thread: string;
  node: N;
  catalog: Catalog;
  /** The variables to offer (see visibleVariables). */
  variables: readonly VisibleVariable[];
  /** Called with the whole new node on every change. */
  onchange: (node: N) => void;
  /** Adds a ThreadSpec, for "New thread" buttons. */
  onaddthread?: ((name: string) => void) | undefined;
}
