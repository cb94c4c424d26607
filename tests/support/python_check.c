// SPDX-License-Identifier: MIT
#include "python_check.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

int python_run(const char *script, const char *text, int quiet)
{
	char *cmd;
	FILE *p;
	int status;
	void (*old_pipe)(int);

	if (asprintf(&cmd, "python3 -c '%s'%s", script, quiet ? " 2>/dev/null" : "") < 0)
		return -1;
	p = popen(cmd, "w");
	free(cmd);
	if (!p)
		return -1;
	/* A script that stops reading fails by its status, not by our SIGPIPE. */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	fputs(text, p);
	status = pclose(p);
	signal(SIGPIPE, old_pipe);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
