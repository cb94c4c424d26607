/* SPDX-License-Identifier: MIT */
/* Whether python3 reads what the harness wrote: its json module, after a
 * strict UTF-8 decode (json.loads on bytes would let encoded surrogates
 * through, and sys.stdin as text would smuggle bad bytes in as escapes). */
#ifndef TESTS_PYTHON_CHECK_H
#define TESTS_PYTHON_CHECK_H

/* A script for python_run: 0 when its stdin is one JSON text in UTF-8. */
#define PY_STRICT_JSON "import json, sys; json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))"

/* Runs python3 -c script (no single quotes in it) with text on its stdin;
 * its exit status, -1 if it could not be run. Quiet drops its stderr (a
 * traceback the test expects). */
int python_run(const char *script, const char *text, int quiet);

#endif
