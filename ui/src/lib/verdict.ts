/** ✓ when an edge's condition holds, ✗ when it does not, ? when it cannot be evaluated (the engine would fail the node). */
export function verdictMark(holds: boolean | undefined): '✓' | '✗' | '?' {
  return holds === true ? '✓' : holds === false ? '✗' : '?';
}

/** The colour of a verdict: a CSS custom property of app.css. */
export function verdictColour(holds: boolean | undefined): string {
  return holds === true ? 'var(--completed-fg)' : holds === false ? 'var(--failed-fg)' : 'var(--text-muted)';
}
