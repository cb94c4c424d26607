/* SPDX-License-Identifier: MIT */
/*
 * PID 1 of the benchmark guest. Its only jobs: mark linux_start_user on the
 * trace port as early as possible, say so on the console, then either reset
 * the guest (init.exit=1 on the command line) or idle forever, since PID 1
 * must never exit (the kernel would panic).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_port.h"

/* A #GP on the port write arrives as SIGSEGV; we jump back out of it. */
static sigjmp_buf port_fault;

static void on_port_fault(int sig)
{
	(void)sig;
	siglongjmp(port_fault, 1);
}

/*
 * First thing: every instruction before the port write counts as kernel
 * boot time in the VMM's table. The write can fault in the nested rig:
 * QEMU's TCG honours the TSS I/O bitmap only for a TSS of the non-busy type,
 * and KVM hands back the guest's TR as busy once its VMM has rewritten the
 * segment registers (QEMU does, through kvmvapic). Debian's kernel has no
 * /dev/port to fall back to, so we lose the trace point but keep PID 1.
 */
static int port_write(void)
{
	if (sigsetjmp(port_fault, 1) != 0)
		return 0;
	if (ioperm(TRACE_PORT, 1, 1) != 0)
		return 0;
	outb(TP_LINUX_START_USER, TRACE_PORT);
	return 1;
}

static int trace_user_start(void)
{
	struct sigaction sa = { .sa_handler = on_port_fault };
	int ok;

	sigaction(SIGSEGV, &sa, NULL);
	ok = port_write();
	sa.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &sa, NULL);
	return ok;
}

/* Without an initrd /dev node the kernel gives us no console; devtmpfs has
 * one. A failure only costs us the message. */
static void mount_basics(void)
{
	struct stat st;

	if (stat("/dev/console", &st) != 0) {
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	}
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
}

static void say(const char *msg)
{
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);

	if (fd < 0)
		return;
	if (write(fd, msg, strlen(msg)) < 0) {
		/* Nowhere left to report it. */
	}
	close(fd);
}

/* True if the kernel command line holds WORD as a whole word. */
static int cmdline_has(const char *word)
{
	char buf[4096];
	size_t len = strlen(word);
	ssize_t n;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *p = strstr(buf, word); p; p = strstr(p + 1, word)) {
		int starts = p == buf || p[-1] == ' ';
		int ends = p[len] == '\0' || p[len] == ' ' || p[len] == '\n';

		if (starts && ends)
			return 1;
	}
	return 0;
}

int main(void)
{
	int traced = trace_user_start();

	char line[80];

	mount_basics();
	/* The CPU count shows that --vcpus N brought every vCPU up. */
	snprintf(line, sizeof(line), "init: reached user space (%ld CPUs)\n",
		 sysconf(_SC_NPROCESSORS_ONLN));
	say(line);
	if (!traced)
		say("init: the trace port write faulted; no linux_start_user\n");
	/* With reboot=k the kernel resets through the i8042, which the VMM
	 * turns into a clean exit. */
	if (cmdline_has("init.exit=1"))
		reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
