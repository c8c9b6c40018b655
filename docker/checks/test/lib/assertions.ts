import type { Test } from 'tap'

/** Asserts that a check reported exactly one problem, and that it matches a pattern. */
export function assertOneProblem(t: Test, problems: string[], pattern: RegExp): void {
  t.equal(problems.length, 1, problems.join('\n') || 'no problem was reported')
  t.match(problems[0], pattern)
}
