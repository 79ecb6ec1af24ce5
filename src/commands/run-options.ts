/**
 * What `netflow-tui run` passes to runCommand (./run.ts), already parsed and validated by the CLI:
 * numbers are non-negative integers, the scenario exists and loads without problems.
 */
export interface RunOptions {
  /** Path of the scenario file (a built-in name is already resolved to its file). */
  scenarioPath: string;
  /** One trace record per line as JSON instead of text. */
  json: boolean;
  /** Text output: the scenario's teaching notes under the records they are at. */
  notes?: boolean;
  /** Breakpoint specs (ARCHITECTURE §4), in the order given; may be empty. */
  breaks: string[];
  /** Stop after this step. */
  untilStep?: number;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** With `state`: the step whose state to print. */
  at?: number;
  /** Print the state (StateView) at `at` as one JSON object instead of the trace. */
  state: boolean;
  /** With `at`: why-specs (debug/why.ts), answered one after another walking back. */
  why?: string[];
}
