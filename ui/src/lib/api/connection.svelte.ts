import type { SocketState } from '@gallop/sdk';

/** How the page's live connection to the server stands, for a banner while it is lost and for lists to catch up. */
class Connection {
  socket = $state<SocketState>('idle');
  /** Counts reconnections after a loss: what was missed while away needs reading again. */
  reconnects = $state(0);

  update(next: SocketState): void {
    if (next === 'connected' && this.socket === 'lost') this.reconnects++;
    this.socket = next;
  }
}

export const connection = new Connection();
