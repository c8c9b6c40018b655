"""Report a training run's metrics and final results to the trainplane API.

The module uses the standard library only, so it runs in any training image. Only the process
of global rank 0 reports; on other ranks, and outside the platform, the reporter accepts every
call and sends nothing. The reporting calls never raise into training code. Points wait in a
bounded buffer, a background thread sends them in batches, and requests that fail with a
connection error, a 429 or a 5xx are retried with exponential backoff and jitter.

Example::

    from trainplane_reporter import Reporter

    with Reporter.from_environment(rank=torch.distributed.get_rank()) as reporter:
        reporter.log_metrics({"train/loss": 0.31}, step=120)
        reporter.set_results({"test_accuracy": 0.97})

docs/trainer.md describes the HTTP contract with the API.
"""

from __future__ import annotations

import atexit
import collections
import datetime
import json
import logging
import math
import numbers
import operator
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

__all__ = ["Reporter", "MAX_POINTS_PER_REQUEST", "MAX_RESULTS_BYTES", "MAX_STEP"]

logger = logging.getLogger("trainplane.reporter")

# Limits of the API's metrics and results routes (docs/trainer.md).
MAX_POINTS_PER_REQUEST = 500
MAX_STEP = 999_999_999_999
MAX_RESULTS_BYTES = 64 * 1024
METRIC_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-/]{1,128}$")

# Status codes after which no later request of this run can succeed. The token is invalid or
# expired (401) or does not allow this run (403). The run does not exist (404), or it ended
# longer ago than the API's grace period (409).
_FINAL_STATUSES = frozenset({401, 403, 404, 409})

# Repeated warnings about dropped points are logged at most once in this many seconds.
_DROP_WARNING_INTERVAL_SECONDS = 60.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Turn redirects into errors, so the run token is never sent to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Outcome:
    DELIVERED = "delivered"
    REJECTED = "rejected"
    FINAL = "final"


class Reporter:
    """Buffers metric points and results and sends them to the API from a background thread.

    Args:
        run_id: the run the points belong to (``RUN_ID``).
        report_url: base URL of the API (``RUN_REPORT_URL``), for example
            ``http://10.0.1.20:3000``.
        token: the run token (``RUN_TOKEN``), sent as ``Authorization: Bearer``. It is never
            logged.
        enabled: when false, every call is accepted and nothing is sent.
        batch_size: points per request, at most ``MAX_POINTS_PER_REQUEST``. A full batch is
            sent at once.
        flush_interval_seconds: interval at which the background thread sends queued points
            that do not fill a batch.
        max_buffered_points: points kept while the API is unreachable. When the buffer is full
            the oldest points are dropped with a warning.
        request_timeout_seconds: timeout of each HTTP request.
        initial_backoff_seconds: delay before the first retry; it doubles with each retry.
        max_backoff_seconds: maximum delay between retries.
    """

    def __init__(
        self,
        run_id: str | None,
        report_url: str | None,
        token: str | None,
        *,
        enabled: bool = True,
        batch_size: int = 100,
        flush_interval_seconds: float = 5.0,
        max_buffered_points: int = 10_000,
        request_timeout_seconds: float = 10.0,
        initial_backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        if not 1 <= batch_size <= MAX_POINTS_PER_REQUEST:
            raise ValueError(
                f"batch_size must be from 1 to {MAX_POINTS_PER_REQUEST}, got {batch_size}"
            )
        if max_buffered_points < batch_size:
            raise ValueError(
                f"max_buffered_points ({max_buffered_points}) must be at least "
                f"batch_size ({batch_size})"
            )

        self._batch_size = batch_size
        self._flush_interval = flush_interval_seconds
        self._request_timeout = request_timeout_seconds
        self._initial_backoff = initial_backoff_seconds
        self._max_backoff = max_backoff_seconds

        self._condition = threading.Condition()
        self._points: collections.deque[dict[str, Any]] = collections.deque(
            maxlen=max_buffered_points
        )
        self._in_flight = 0
        self._results: dict[str, Any] | None = None
        self._flush_requested = False
        self._closing = False
        self._close_deadline = math.inf
        self._dropped_points = 0
        self._results_lost = False
        self._last_drop_warning = -math.inf
        self._thread: threading.Thread | None = None

        self._enabled = enabled and self._configure(run_id, report_url, token)
        if self._enabled:
            self._opener = urllib.request.build_opener(_NoRedirects())
            self._thread = threading.Thread(
                target=self._run, name="trainplane-reporter", daemon=True
            )
            self._thread.start()
            atexit.register(self.close)

    @classmethod
    def from_environment(
        cls,
        rank: int | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> Reporter:
        """Create a reporter from ``RUN_ID``, ``RUN_REPORT_URL`` and ``RUN_TOKEN``.

        Args:
            rank: the process's global rank; ``RANK`` from the environment when omitted,
                and 0 when that is unset too. Only rank 0 reports.
            environ: the variables to read, ``os.environ`` when omitted.
            options: keyword arguments passed on to ``Reporter``.
        """
        environ = os.environ if environ is None else environ
        if rank is None:
            try:
                rank = int(environ.get("RANK", "0"))
            except ValueError:
                logger.warning("RANK is not an integer: %r; reporting is disabled", environ["RANK"])
                return cls(None, None, None, enabled=False, **options)
        if rank != 0:
            return cls(None, None, None, enabled=False, **options)

        missing = [
            name for name in ("RUN_ID", "RUN_REPORT_URL", "RUN_TOKEN") if not environ.get(name)
        ]
        if missing:
            if len(missing) == 1:
                names = missing[0]
            else:
                names = ", ".join(missing[:-1]) + " and " + missing[-1]
            logger.warning(
                "metrics and results are not reported because %s %s not set; the platform sets "
                "RUN_ID, RUN_REPORT_URL and RUN_TOKEN on every node of a run",
                names,
                "is" if len(missing) == 1 else "are",
            )
            return cls(None, None, None, enabled=False, **options)

        return cls(environ["RUN_ID"], environ["RUN_REPORT_URL"], environ["RUN_TOKEN"], **options)

    def __repr__(self) -> str:
        state = "enabled" if self._enabled else "disabled"
        return f"<Reporter {state} run_id={getattr(self, '_run_id', None)!r}>"

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        """Whether this reporter sends anything."""
        return self._enabled

    @property
    def dropped_points(self) -> int:
        """Points dropped so far: buffer overflow, invalid points and points the API rejected."""
        return self._dropped_points

    def log_metric(
        self, name: str, value: float, step: int, at: datetime.datetime | None = None
    ) -> None:
        """Queue one metric point. An invalid point is dropped with a warning."""
        if not self._enabled:
            return
        point = _make_point(name, value, step, at)
        if point is None:
            self._dropped_points += 1
            return
        with self._condition:
            if self._closing:
                return
            if len(self._points) == self._points.maxlen:
                self._record_overflow()
            self._points.append(point)
            if len(self._points) >= self._batch_size:
                self._condition.notify_all()

    def log_metrics(
        self, values: Mapping[str, float], step: int, at: datetime.datetime | None = None
    ) -> None:
        """Queue one point for each name in ``values``, all at the same step."""
        for name, value in values.items():
            self.log_metric(name, value, step, at)

    def set_results(self, results: Mapping[str, Any]) -> None:
        """Queue the run's final results, replacing results queued earlier.

        The results must be a JSON object of at most ``MAX_RESULTS_BYTES`` bytes with finite
        numbers; other values are dropped with a warning. They are sent after the points
        queued before them.
        """
        if not self._enabled:
            return
        try:
            encoded = json.dumps(dict(results), allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            logger.warning("results dropped: they are not a JSON object: %s", error)
            return
        if len(encoded.encode("utf-8")) > MAX_RESULTS_BYTES:
            logger.warning(
                "results dropped: they are %d bytes of JSON, more than the limit of %d",
                len(encoded.encode("utf-8")),
                MAX_RESULTS_BYTES,
            )
            return
        with self._condition:
            if self._closing:
                return
            self._results = json.loads(encoded)
            self._condition.notify_all()

    def flush(self, timeout: float = 30.0) -> bool:
        """Send everything queued so far and wait for it. Returns whether it was all sent.

        Points the API rejected count as sent. Waiting stops after ``timeout`` seconds, and
        the points stay queued. A reporter that sends nothing returns True at once.
        """
        if self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        with self._condition:
            self._flush_requested = True
            self._condition.notify_all()
            while not self._idle():
                if not self._enabled:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
            return True

    def close(self, timeout: float = 60.0) -> bool:
        """Send everything queued and stop the background thread.

        Retries go on for at most ``timeout`` seconds; what is still unsent then is dropped
        with a warning. Later calls to the reporter are ignored. Returns whether every point
        and the results were delivered, so False also follows points dropped earlier.
        """
        if self._thread is None:
            return True
        with self._condition:
            if not self._closing:
                self._closing = True
                self._close_deadline = time.monotonic() + timeout
                self._condition.notify_all()
        atexit.unregister(self.close)

        # A request already under way may take up to its own timeout past the deadline.
        self._thread.join(timeout + self._request_timeout + 1.0)
        if self._thread.is_alive():
            logger.warning("reporter did not finish sending within %.0f s", timeout)
            return False
        return self._dropped_points == 0 and not self._results_lost

    # The rest runs on the background thread, except _configure and _record_overflow.

    def _configure(self, run_id: str | None, report_url: str | None, token: str | None) -> bool:
        if not run_id or not report_url or not token:
            logger.warning("run id, report URL or token missing; reporting is disabled")
            return False
        parsed = urllib.parse.urlsplit(report_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            logger.warning(
                "RUN_REPORT_URL is not an http or https URL: %r; reporting is disabled",
                report_url,
            )
            return False
        base = report_url.rstrip("/")
        run_path = urllib.parse.quote(run_id, safe="")
        self._run_id = run_id
        self._metrics_url = f"{base}/v1/runs/{run_path}/metrics"
        self._results_url = f"{base}/v1/runs/{run_path}/results"
        self._token = token
        return True

    def _record_overflow(self) -> None:
        self._dropped_points += 1
        now = time.monotonic()
        if now - self._last_drop_warning >= _DROP_WARNING_INTERVAL_SECONDS:
            self._last_drop_warning = now
            logger.warning(
                "metric buffer full (%d points) while the API is unreachable; dropping the "
                "oldest points (%d dropped so far)",
                self._points.maxlen,
                self._dropped_points,
            )

    def _idle(self) -> bool:
        return not self._points and self._in_flight == 0 and self._results is None

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(
                    lambda: self._closing
                    or self._flush_requested
                    or len(self._points) >= self._batch_size
                    or self._results is not None,
                    timeout=self._flush_interval,
                )
                closing = self._closing
                self._flush_requested = False

            self._send_queued()

            if closing or not self._enabled:
                with self._condition:
                    self._condition.notify_all()
                return

    def _send_queued(self) -> None:
        """Send the queued points in batches, then the results, until none are left."""
        while self._enabled:
            if self._closing and time.monotonic() >= self._close_deadline:
                self._drop_unsent()
                return
            with self._condition:
                batch = [
                    self._points.popleft()
                    for _ in range(min(self._batch_size, len(self._points)))
                ]
                self._in_flight = len(batch)
                results = self._results if not batch else None

            if batch:
                outcome = self._deliver("POST", self._metrics_url, {"points": batch}, "metrics")
                with self._condition:
                    self._in_flight = 0
                    if outcome != _Outcome.DELIVERED:
                        self._dropped_points += len(batch)
                    self._condition.notify_all()
            elif results is not None:
                outcome = self._deliver("PUT", self._results_url, {"results": results}, "results")
                with self._condition:
                    if self._results is results:
                        self._results = None
                    self._results_lost = outcome != _Outcome.DELIVERED
                    self._condition.notify_all()
            else:
                return

    def _drop_unsent(self) -> None:
        with self._condition:
            unsent = len(self._points)
            results = self._results is not None
            self._dropped_points += unsent
            self._points.clear()
            self._results_lost = self._results_lost or results
            self._results = None
            self._condition.notify_all()
        if unsent or results:
            logger.warning(
                "reporter closed after its timeout with %d metric points%s unsent",
                unsent,
                " and the results" if results else "",
            )

    def _deliver(self, method: str, url: str, body: dict[str, Any], payload_name: str) -> str:
        """Send one request, retrying until it is delivered, rejected or out of time."""
        data = json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")
        attempt = 0
        while True:
            status, detail, retry_after = self._request(method, url, data)

            if status is not None and 200 <= status < 300:
                if attempt > 0:
                    logger.info("%s delivered after %d retries", payload_name, attempt)
                return _Outcome.DELIVERED
            if status in _FINAL_STATUSES:
                self._disable(f"the API rejected the {payload_name} with status {status}: {detail}")
                return _Outcome.FINAL
            if status is not None and status != 429 and status < 500:
                logger.warning("%s dropped: the API rejected them with status %d: %s",
                               payload_name, status, detail)
                return _Outcome.REJECTED

            attempt += 1
            delay = self._backoff(attempt, retry_after)
            with self._condition:
                deadline = self._close_deadline
            if time.monotonic() + delay > deadline:
                logger.warning("%s dropped: still failing when the reporter closed (%s)",
                               payload_name, detail)
                return _Outcome.REJECTED
            if attempt == 1 or attempt % 10 == 0:
                logger.warning("%s not delivered (%s); retry %d in %.1f s",
                               payload_name, detail, attempt, delay)
            with self._condition:
                # close() ends this wait early, so the retries go on under its deadline.
                self._condition.wait_for(
                    lambda: self._closing and deadline == math.inf, timeout=delay
                )

    def _request(self, method: str, url: str, data: bytes) -> tuple[int | None, str, float | None]:
        """Send one request. Returns the status (None on a connection error), a detail safe to
        log, and the Retry-After delay in seconds when the response gave one."""
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                "User-Agent": "trainplane-reporter/1",
            },
        )
        try:
            with self._opener.open(request, timeout=self._request_timeout) as response:
                response.read()
                return response.status, "ok", None
        except urllib.error.HTTPError as error:
            detail = f"{error.code} {_error_summary(error)}"
            return error.code, detail, _retry_after_seconds(error.headers.get("Retry-After"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return None, f"connection failed: {reason}", None

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._max_backoff)
        ceiling = min(self._max_backoff, self._initial_backoff * 2 ** (attempt - 1))
        # Half fixed, half random, so reporters that failed together do not retry together.
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _disable(self, reason: str) -> None:
        with self._condition:
            self._enabled = False
            self._dropped_points += len(self._points)
            self._points.clear()
            self._results_lost = self._results_lost or self._results is not None
            self._results = None
            self._condition.notify_all()
        logger.warning("reporting stopped for the rest of the run: %s", reason)


def _make_point(
    name: Any, value: Any, step: Any, at: datetime.datetime | None
) -> dict[str, Any] | None:
    """Build a point for the API, or log a warning and return None when it is invalid."""
    if not isinstance(name, str) or not METRIC_NAME_PATTERN.match(name):
        logger.warning(
            "metric point dropped: name %r is invalid; use 1 to 128 letters, digits or . _ - /",
            name,
        )
        return None
    try:
        if isinstance(step, bool):
            raise TypeError
        step = operator.index(step)
    except TypeError:
        logger.warning("metric point %s dropped: step %r is not an integer", name, step)
        return None
    if not 0 <= step <= MAX_STEP:
        logger.warning("metric point %s dropped: step %d is outside 0 to %d", name, step, MAX_STEP)
        return None
    try:
        # float() would also parse a string, which is a mistake in training code.
        if isinstance(value, (bool, str, bytes)):
            raise TypeError
        value = float(value)
    except (TypeError, ValueError):
        logger.warning("metric point %s dropped: value %r is not a number", name, value)
        return None
    if not math.isfinite(value):
        logger.warning("metric point %s dropped: value %r is not finite", name, value)
        return None

    moment = at or datetime.datetime.now(datetime.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    stamp = moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")
    return {"name": name, "step": step, "value": value, "at": stamp.replace("+00:00", "Z")}


def _error_summary(error: urllib.error.HTTPError) -> str:
    """Return the API's error code and message from the body, shortened. The body contains no
    token."""
    try:
        raw = error.read(2048)
        body = json.loads(raw)
        if isinstance(body, dict):
            parts = [str(body.get(key)) for key in ("code", "message") if body.get(key)]
            if parts:
                return ": ".join(parts)[:300]
    except (OSError, ValueError):
        pass
    return str(error.reason)[:300]


def _retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
