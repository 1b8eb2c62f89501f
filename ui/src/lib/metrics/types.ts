/** One kind of bar in a metrics chart: a count each window has. */
export interface MetricsSeries<T> {
  /** Stable, for test ids and keys: `totalStarted`. */
  readonly key: string;
  /** Its words in the legend and the table, lower case after a count: "started". */
  readonly label: string;
  /** The bar's colour, a CSS colour or variable: `var(--completed-border)`. */
  readonly color: string;
  readonly value: (row: T) => number;
}

/** One figure under a chart: a total or a time over the whole range. */
export interface MetricsFigure {
  /** Stable, for test ids: the figure shows as `data-testid="metric-<key>"`. */
  readonly key: string;
  readonly label: string;
  /** Already formatted: "3", "1.2 s", "—". */
  readonly value: string;
  /** A second line under the value: "longest 2.5 s". */
  readonly detail?: string | undefined;
  /** What it counts, shown on hover. */
  readonly hint?: string | undefined;
}
