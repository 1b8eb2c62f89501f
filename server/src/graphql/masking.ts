import { MASKED_VALUE, maskedVariableNames, maskEvent, returnsMaskedValue } from '@gallop/engine';
import type { JsonValue, VersionedWfSpec, WfRunEvent } from '@gallop/engine';
import { listWfSpecVersions } from '../store/queries/metadata.ts';
import type { Context } from './builder.ts';
import { perRequest } from './per-request.ts';

const versionsPerRequest = new WeakMap<Context, Map<string, Promise<readonly VersionedWfSpec[]>>>();
const maskersPerRequest = new WeakMap<Context, Map<string, Promise<WfRunMasker>>>();

const namesBySpec = new WeakMap<VersionedWfSpec, ReadonlySet<string>>();

/** Every version of a WfSpec, read once per request (a page of WfRuns, and a search's checks, share them). */
export function wfSpecVersionsOf(ctx: Context, wfSpecName: string): Promise<readonly VersionedWfSpec[]> {
  return perRequest(versionsPerRequest, ctx, wfSpecName, () => readVersions(ctx, wfSpecName));
}

async function readVersions({ services, tenantId }: Context, wfSpecName: string): Promise<readonly VersionedWfSpec[]> {
  const versions = await listWfSpecVersions(services.db, tenantId, wfSpecName);
  return Promise.all(versions.map((id) => services.metadata.wfSpec(services.db, tenantId, id)));
}

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
  /** Some version's EXIT returns a masked variable: thread and WfRun outputs are hidden. */
  readonly #outputsMasked: boolean;

  private constructor(isMasked: (name: string) => boolean, outputsMasked: boolean) {
    this.#isMasked = isMasked;
    this.#outputsMasked = outputsMasked;
  }

  /** For a WfRun whose WfSpec cannot be told (deleted under a reader): every variable and output hidden. */
  static everything(): WfRunMasker {
    return new WfRunMasker(() => true, true);
  }

  /** The masker of a WfSpec's WfRuns, made once per request (a page of WfRuns shares it). */
  static of(ctx: Context, wfSpecName: string): Promise<WfRunMasker> {
    return perRequest(maskersPerRequest, ctx, wfSpecName, async () => WfRunMasker.#ofSpecs(await wfSpecVersionsOf(ctx, wfSpecName)));
  }

  /** The masker as the WfSpec's versions stand now (a subscription reads it again after a migration). */
  static async read(ctx: Context, wfSpecName: string): Promise<WfRunMasker> {
    return WfRunMasker.#ofSpecs(await readVersions(ctx, wfSpecName));
  }

  static #ofSpecs(specs: readonly VersionedWfSpec[]): WfRunMasker {
    const names = new Set(specs.flatMap((spec) => [...maskedNamesOf(spec)]));
    return new WfRunMasker((name) => names.has(name), specs.some(returnsMaskedValue));
  }

  /** Whether a variable of this name is masked: its value, and any search by it, is hidden. */
  masks(name: string): boolean {
    return this.#isMasked(name);
  }

  event(event: WfRunEvent): WfRunEvent {
    return maskEvent(event, this.#isMasked, this.#outputsMasked);
  }

  /** A masked variable shows `*****` even when unset: that it has no value is not told either. */
  value(name: string, value: JsonValue): JsonValue {
    return this.#isMasked(name) ? MASKED_VALUE : value;
  }
}
