/**
 * The Playwright UI tier: checks that drive code-server's real workbench in chromium after the extension-host suite.
 * A check is a file test/ui/checks/<name>.check.ts exporting `check: UiCheck`; the runner finds it by name, runs the
 * checks in file-name order on one workbench page, and screenshots the page when a check fails.
 */
import type { Page } from 'playwright-core';
import type { Simulator } from '../sim';

/** The backend simulator (test/sim, a TEST DOUBLE of Ollama) the runner started for the UI tier, in the runner's process. */
export type UiSimulator = Simulator;

export interface UiContext {
  page: Page;
  serverUrl: string;
  /** Absolute path of this run's throwaway copy of test/e2e/fixtures/workspace. */
  workspace: string;
  /**
   * The Ollama simulator the seeded user settings point at (phiCoder.backend/endpoint), models phi4 and
   * qwen2.5-coder:1.5b, no delays (timeScale 0). Script answers with sim.setReply(); restore what you change.
   */
  sim: UiSimulator;
  /**
   * Stops the simulator (the extension sees its server go away). Returns a function that starts a new one on the
   * same port, with the same models, and makes it `ctx.sim`. Always call it before your check ends.
   */
  stopSimulator(): Promise<() => Promise<void>>;
  /** Saves test-results/ui/<name>.png (a screenshot of each surface you check is welcome). */
  screenshot(name: string): Promise<string | undefined>;
  log(message: string): void;
}

export interface UiCheck {
  name: string;
  /** Default 60 s. The check is failed (and the page screenshotted) when it runs longer. */
  timeoutMs?: number;
  run(ctx: UiContext): Promise<void>;
}

export interface UiCheckResult {
  file: string;
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
  screenshot?: string;
}
