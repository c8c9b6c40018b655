/** Exit codes scripts can rely on; docs/cli.md lists them. */
export const EXIT_SUCCESS = 0

/** A request failed: an API error, a network failure, or a sign-in that is missing or expired. */
export const EXIT_ERROR = 1

/** Invalid usage or input, found before any request was sent. */
export const EXIT_USAGE = 2

/** Under `--wait` and `watch`: the run ended FAILED. */
export const EXIT_RUN_FAILED = 3

/** Under `--wait` and `watch`: the run ended CANCELLED. */
export const EXIT_RUN_CANCELLED = 4

/** A prompt was interrupted with Ctrl-C: 128 + SIGINT, as shells report it. */
export const EXIT_INTERRUPTED = 130
