import { isGallopClientError } from '@gallop/sdk';
import { client, session } from './client.ts';

interface Operation {
  readonly field: string;
  readonly allowed: boolean;
  readonly action: string | null;
  readonly resource: string | null;
}

/**
 * Who the page acts as and what it may do in its tenant, as the server says (whoami's operations): pages hide what
 * the principal may not read and disable what it may not do, saying which grant is missing. Until the answer comes
 * everything stays enabled; the server refuses what is not allowed in any case.
 */
class Permissions {
  /** `anonymous` on a server without authentication, which has no sign-in to offer; undefined until known. */
  principal = $state<string | undefined>();
  /** The server refused whoami: it wants a (valid) credential. */
  credentialWanted = $state(false);
  #operations = $state.raw<ReadonlyMap<string, Operation> | undefined>();

  load(): void {
    client
      .request<{ whoami: { id: string; operations: Operation[] } }>('{ whoami { id operations { field allowed action resource } } }')
      .then(({ whoami }) => {
        this.principal = whoami.id;
        this.#operations = new Map(whoami.operations.map((o) => [o.field, o]));
      })
      // Only a refusal means a credential is wanted; a server that is away says so on each page.
      .catch((error: unknown) => (this.credentialWanted = isGallopClientError(error) && ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code)));
  }

  /** Why the principal may not call the API's `field`, or undefined when it may (or it is not known yet). */
  denied(field: string): string | undefined {
    const operation = this.#operations?.get(field);
    if (!operation || operation.allowed) return undefined;
    const need = operation.action ? `${operation.action} on ${operation.resource}` : 'a grant';
    return `Your principal may not ${field} in tenant '${session.tenant ?? 'default'}': it needs ${need}.`;
  }
}

export const permissions = new Permissions();
