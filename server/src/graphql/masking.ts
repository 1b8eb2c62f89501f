import { MASKED_VALUE, maskedVariableNames, maskEvent } from '@gallop/engine';
import type { JsonValue, VersionedWfSpec, WfRunEvent } from '@gallop/engine';
import { listWfSpecVersions } from '../store/queries/metadata.ts';
import type { Context } from './builder.ts';

const perRequest = new WeakMap<Context, Map<string, Promise<WfRunMasker>>>();
const namesBySpec = new WeakMap<VersionedWfSpec, ReadonlySet<string>>();

/** A spec's masked names, worked out once per spec the Metadata cache holds. */
function maskedNamesOf(spec: VersionedWfSpec): ReadonlySet<string> {
  let names = namesBySpec.get(spec);
  if (!names) namesBySpec.set(spec, (names = maskedVariableNames(spec)));
  return names;
}

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

  /** The masker of a WfSpec's WfRuns, made once per request (a page of WfRuns shares it). */
  static of(ctx: Context, wfSpecName: string): Promise<WfRunMasker> {
    let made = perRequest.get(ctx);
    if (!made) perRequest.set(ctx, (made = new Map()));
    let masker = made.get(wfSpecName);
    if (!masker) made.set(wfSpecName, (masker = WfRunMasker.read(ctx, wfSpecName)));
    return masker;
  }

  /** The masker as the WfSpec's versions stand now (a subscription reads it again after a migration). */
  static async read({ services, tenantId }: Context, wfSpecName: string): Promise<WfRunMasker> {
    const versions = await listWfSpecVersions(services.db, tenantId, wfSpecName);
    const specs = await Promise.all(versions.map((id) => services.metadata.wfSpec(services.db, tenantId, id)));
    const names = new Set(specs.flatMap((spec) => [...maskedNamesOf(spec)]));
    return new WfRunMasker((name) => names.has(name));
  }

  /** Whether a variable of this name is masked: its value, and any search by it, is hidden. */
  masks(name: string): boolean {
    return this.#isMasked(name);
  }

  event(event: WfRunEvent): WfRunEvent {
    return maskEvent(event, this.#isMasked);
  }

  /** A masked variable shows `*****` even when unset: that it has no value is not told either. */
  value(name: string, value: JsonValue): JsonValue {
    return this.#isMasked(name) ? MASKED_VALUE : value;
  }
}
