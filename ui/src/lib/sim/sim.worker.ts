import { createSimulation, describeStep, forkSimulation, recordScenario, replayScenario } from '@gallop/engine';
import type { Mocks, Simulation, SimulationResult, SimulationStep } from '@gallop/engine';
import type { SimAnswer, SimRequest, SimView } from './protocol.ts';

// The engine runs here, off the page's thread: a long runUntil never freezes the editor.
const scope = self as unknown as { postMessage(message: unknown): void; onmessage: ((event: MessageEvent<{ id: number; request: SimRequest }>) => void) | null };

/** Every simulation so far, the current last: undo is dropping one. The oldest go past this many. */
const KEEP = 500;
let simulations: Simulation[] = [];
/** What is left of the mock lists after the last run, for the next to go on with. */
let leftMocks: Mocks = {};

function push(sim: Simulation): void {
  simulations.push(sim);
  if (simulations.length > KEEP) simulations.splice(0, simulations.length - KEEP);
}

scope.onmessage = (event) => {
  const { id, request } = event.data;
  let answer: SimAnswer;
  try {
    answer = handle(request);
  } catch (error) {
    answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage({ id, answer });
};

function current(): Simulation {
  const sim = simulations[simulations.length - 1];
  if (!sim) throw new Error('Start the simulation first.');
  return sim;
}

function handle(request: SimRequest): SimAnswer {
  switch (request.type) {
    case 'start': {
      const created = createSimulation({ wfSpec: request.spec, catalog: request.catalog, variables: request.variables });
      if (!created.ok) return { ok: false, message: created.rejection.message };
      simulations = [created.simulation];
      leftMocks = {};
      return { ok: true, view: viewOf(created.simulation) };
    }
    case 'fork': {
      const forked = fork(request);
      if (!forked.ok) return { ok: false, message: forked.rejection.message };
      simulations = [forked.simulation];
      leftMocks = {};
      const cut = forked.simulation.events.length;
      const note =
        request.at !== undefined && cut < request.at
          ? `Forked after event ${cut}: event ${request.at} falls inside one decision of the engine, which began there.`
          : `Forked after event ${cut}.`;
      return { ok: true, view: viewOf(forked.simulation), note };
    }
    case 'setVariable':
      return advanced(current().setVariable(request.threadRunNumber, request.name, request.value));
    case 'migrate':
      return advanced(current().migrate(request.spec));
    case 'act':
      return advanced(current().apply(request.step));
    case 'undo':
      if (simulations.length > 1) simulations.pop();
      return { ok: true, view: viewOf(current()) };
    case 'run': {
      const result = current().runUntil({ mocks: request.mocks ?? leftMocks, breakpoints: request.breakpoints, advanceTimers: true });
      leftMocks = result.mocks;
      push(result.simulation);
      const stop = result.stop;
      const note =
        stop.kind === 'ENDED'
          ? `The WfRun ended ${stop.status}.`
          : stop.kind === 'BREAKPOINT'
            ? `Stopped at the breakpoint on ${stop.node.nodeName}.`
            : stop.kind === 'WAITING'
              ? 'Stopped: what the WfRun waits for has no mock.'
              : stop.kind === 'REFUSED'
                ? `Stopped: ${stop.rejection.message}`
                : 'Stopped after 1000 actions.';
      return { ok: true, view: viewOf(result.simulation), note };
    }
    case 'stateAt':
      return { ok: true, state: current().stateAt(request.eventIndex) };
    case 'record':
      return { ok: true, scenario: recordScenario(current(), { name: request.name }) };
    case 'replay': {
      const replay = replayScenario(request.spec, request.catalog, request.scenario);
      if (request.load && replay.simulation) simulations = [replay.simulation];
      const summary = {
        passed: replay.passed,
        mismatches: replay.mismatches,
        stepErrors: replay.stepErrors,
        status: replay.outcome?.status,
        visited: replay.simulation?.visited() ?? [],
      };
      return { ok: true, replay: summary, ...(request.load && replay.simulation ? { view: viewOf(replay.simulation) } : {}) };
    }
  }
}

/**
 * Forks at the last boundary between the engine's decisions at or before `at`: the whole log, forked once, says
 * where its steps end, so a fork never starts in a state the server never rested in.
 */
function fork(request: Extract<SimRequest, { type: 'fork' }>): SimulationResult {
  const { spec: wfSpec, catalog, wfRunId, events, at } = request;
  const whole = forkSimulation({ wfSpec, catalog, wfRunId, events });
  if (!whole.ok || at === undefined || at >= events.length) return whole;
  let cut = 1;
  for (const step of whole.simulation.history) {
    const end = step.firstEventIndex + step.events.length;
    if (end <= at && step.command.type !== 'CopyEvents') cut = Math.max(cut, end);
  }
  return forkSimulation({ wfSpec, catalog, wfRunId, events: events.slice(0, cut) });
}

function advanced(result: SimulationResult): SimAnswer {
  if (!result.ok) return { ok: false, message: result.rejection.message };
  push(result.simulation);
  return { ok: true, view: viewOf(result.simulation) };
}

function viewOf(sim: Simulation): SimView {
  return {
    status: sim.state.status,
    now: sim.now,
    startTime: sim.startTime,
    pending: sim.pending(),
    events: sim.events,
    steps: sim.history.map((step: SimulationStep) => ({
      label: labelOf(step, sim),
      time: step.time,
      firstEventIndex: step.firstEventIndex,
      eventCount: step.events.length,
    })),
    actions: simulations.length - 1,
    forkedFrom: sim.forkedFrom,
    version: { majorVersion: sim.wfSpec.majorVersion, revision: sim.wfSpec.revision },
  };
}

function labelOf(step: SimulationStep, sim: Simulation): string {
  const action = step.actionIndex === undefined ? undefined : sim.actions[step.actionIndex];
  return action ? describeStep(action) : step.command.type;
}
