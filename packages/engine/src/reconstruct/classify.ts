/**
 * The one home of failure classification (T1): the root-cause class of a failed host from its
 * evidence. The artifact parsers only extract facts (`TestFailure.timedOut` from the message or
 * mochawesome `timedOut`, `TestFailure.hook` from mocha's hook titles, `TestFailure.type` from
 * `err.name` / JUnit `type=`); the runner-log facts add renderer crashes. This module maps those
 * facts to {@link FailureClass}; the triage signature catalog refines the result (T2, first match
 * wins). Pure.
 */
import type { TestFailure } from "@atvm-watch/artifacts";
import type { FailureClass, FailureDescription } from "../domain.ts";

/**
 * The class one failing testcase implies, strongest first: `timeout` (mocha timeout or Cypress
 * `Timed out retrying`), `hook` (a before/after hook failed), `assertion` (`AssertionError` type
 * or message); `undefined` when the testcase alone says nothing. `message` is the meaningful
 * message the failure description carries.
 */
export function testFailureClass(failure: TestFailure, message: string): FailureClass | undefined {
  if (failure.timedOut === true) return "timeout";
  if (failure.hook !== undefined) return "hook";
  if (failure.type === "AssertionError" || /^AssertionError\b/.test(message)) return "assertion";
  return undefined;
}

/** `failure` as a crash when the runner log shows the host's renderer crashed (a crash ends the spec, whatever the test said). */
export function withCrashClass(failure: FailureDescription, crashed: boolean): FailureDescription {
  return crashed ? { ...failure, class: "crash" } : failure;
}

/**
 * The failure of a host whose renderer, browser or Test Runner crashed with no failing test recorded
 * (runner log only); `what` names the crash (log-facts `CrashWhat`), a renderer crash by default.
 */
export function rendererCrashFailure(
  host: string,
  what?: { readonly what: string; readonly title: string },
): FailureDescription {
  return {
    step: null,
    title: what?.title ?? "Renderer process crashed",
    message: `Runner log shows ${what?.what ?? "a renderer crash"} on ${host}`,
    class: "crash",
    source: "runner-log",
  };
}

/** `no tests ran` / `no tests were run` / `no test executed` wording in a message or title. */
const NO_TESTS = /\bno tests? (ran|run|were run|executed)\b/i;

/**
 * The class of a failure description as shown and triaged: its own `class` when set, else
 * `no-tests` when its message or title says no test ran, else `unknown` (also for `undefined`).
 */
export function failureClassOf(failure: FailureDescription | undefined): FailureClass {
  if (failure === undefined) return "unknown";
  if (failure.class !== undefined) return failure.class;
  if (NO_TESTS.test(failure.message.slice(0, 2000)) || NO_TESTS.test(failure.title.slice(0, 2000)))
    return "no-tests";
  return "unknown";
}
