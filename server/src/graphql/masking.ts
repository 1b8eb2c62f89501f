import { MASKED_VALUE, maskedVariableNames, maskEvent } from '@gallop/engine';
import type { JsonValue, WfRunEvent } from '@gallop/engine';
import { listWfSpecVersions } from '../store/queries/metadata.ts';
import type { Context } from './builder.ts';

/**
 * Hides masked values in what a WfRun's readers get; the stored events keep them (replay needs them) and workers
 * claim them as they are. A name masked in any version of the WfRun's WfSpec is hidden, since a migrated WfRun's
 * older events ran on another version: showing too little is the safe mistake.
 */
export class WfRunMasker {
  readonly #isMasked: (name: string) => boolean;

  private constructor(isMasked: (name: string) => boolean) {
    this.#isMasked = isMasked;
  }

  /** For a WfRun whose WfSpec cannot be told (deleted under a reader): every variable hidden. */
  static everything(): WfRunMasker {
    return new WfRunMasker(() => true);
  }

  static async of({ services, tenantId }: Context, wfSpecName: string): Promise<WfRunMasker> {
    const names = new Set<string>();
    for (const spec of await listWfSpecVersions(services.db, tenantId, wfSpecName)) for (const name of maskedVariableNames(spec)) names.add(name);
    return new WfRunMasker((name) => names.has(name));
  }

  event(event: WfRunEvent): WfRunEvent {
    return maskEvent(event, this.#isMasked);
  }

  value(name: string, value: JsonValue): JsonValue {
    return this.#isMasked(name) ? MASKED_VALUE : value;
  }
}
