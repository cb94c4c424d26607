// SPDX-License-Identifier: MIT
/*
 * loadvm: a minimal KVM VMM that boots a PVH ELF kernel and an initrd with
 * a chosen loading strategy, and reports boot trace points. Read top to
 * bottom: options, images, RAM, loading, VM, devices, run.
 */
#include "acpi.h"
#include "breakpoint.h"
#include "devices.h"
#include "guest_layout.h"
#include "initrd.h"
#include "kernel_cache.h"
#include "kernel_image.h"
#include "log.h"
#include "mptable.h"
#include "options.h"
#include "output_files.h"
#include "pvh.h"
#include "symbols.h"
#include "trace_log.h"
#include "vm.h"
#include "vmm_run.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

struct machine {
	struct loadvm_options opts;
	struct kernel_file kernel_file; /* --kernel, or its unpacked copy */
	struct kernel_image kernel;
	struct initrd initrd;
	struct guest_mem mem;
	struct vm vm;
	struct io_bus bus;
	struct trace_dev trace;
	struct serial_dev serial;
	struct i8042_dev i8042;
	struct rtc_dev rtc;
	struct breakpoint bp;
	struct load_stats load;
	volatile sig_atomic_t stop;
};

/* --timeout covers loading too (a huge image, a slow unpacking): until the
 * run loop takes SIGALRM over, it ends the process here, leaving no half
 * unpacked kernel in the cache. Async-signal-safe calls only. */
static void timeout_before_run(int sig)
{
	static const char note[] = "loadvm: timeout: --timeout expired before the guest ran\n";
	ssize_t ignored = write(STDERR_FILENO, note, sizeof(note) - 1);

	(void)sig;
	(void)ignored;
	kernel_cache_abandon();
	_exit(EXIT_TIMEOUT);
}

/* The symbol's address, looked up before anything is loaded so a missing
 * symbol table is a bad-input error. */
static int resolve_break_symbol(struct machine *m)
{
	const char *source = m->opts.system_map ? m->opts.system_map : m->kernel_file.label;
	int found;

	if (!m->opts.break_symbol)
		return 0;
	found = symbol_address(m->kernel_file.elf_path, m->opts.system_map, m->opts.break_symbol,
			       &m->bp.address);
	if (found == -1)
		pr_errno("%s", source);
	if (found < 0)
		return -1;
	if (found > 0) {
		pr_err("%s: no symbol %s (no symbol table? give --system-map FILE)", source,
		       m->opts.break_symbol);
		return -1;
	}
	m->bp.point = "linux_start_kernel";
	m->bp.exit_after = m->opts.exit_after;
	m->bp.stop = &m->stop;
	return 0;
}

static int open_images(struct machine *m)
{
	const struct image_limits limits = { m->opts.mem_bytes, BOOT_DATA_END };

	if (strlen(m->opts.cmdline) + 1 > CMDLINE_MAX_SIZE) {
		pr_err("kernel command line too long: %zu bytes, the slot holds %lu",
		       strlen(m->opts.cmdline), CMDLINE_MAX_SIZE - 1);
		return -1;
	}
	if (kernel_file_open(&m->kernel_file, &m->kernel, m->opts.kernel, &limits) ||
	    resolve_break_symbol(m))
		return -1;
	if (m->opts.initrd && initrd_open(&m->initrd, m->opts.initrd, m->opts.mem_bytes,
					  kernel_image_end(&m->kernel)))
		return -1;
	return 0;
}

static int load_images(struct machine *m)
{
	const struct loader_ops *ops = m->opts.loader;

	for (unsigned i = 0; i < m->kernel.nr_segments; i++)
		if (ops->place_extent(&m->mem, m->kernel.fd, m->kernel.path, &m->kernel.segments[i],
				      &m->load))
			return -1;
	if (m->opts.initrd &&
	    ops->place_extent(&m->mem, m->initrd.fd, m->initrd.path, &m->initrd.extent, &m->load))
		return -1;
	trace_log_point("load_done", TRACE_VALUE_NONE, "vmm");
	pr_info("loader %s: %llu bytes mapped, %llu bytes copied", ops->name,
		(unsigned long long)m->load.bytes_mapped, (unsigned long long)m->load.bytes_copied);
	return 0;
}

static int attach_devices(struct machine *m, int serial_fd)
{
	m->trace.exit_after = m->opts.exit_after;
	m->trace.stop = &m->stop;
	m->serial.out_fd = serial_fd;
	m->serial.limit = m->opts.serial_limit;
	m->serial.vm_fd = m->vm.vm_fd;
	m->i8042.stop = &m->stop;
	if (trace_dev_register(&m->bus, &m->trace) || serial_dev_register(&m->bus, &m->serial) ||
	    i8042_dev_register(&m->bus, &m->i8042) || rtc_dev_register(&m->bus, &m->rtc) ||
	    quiet_ports_register(&m->bus))
		return -1;
	return 0;
}

static int boot_guest(struct machine *m, int serial_fd)
{
	struct pvh_boot boot = {
		.cmdline = m->opts.cmdline,
		.initrd_gpa = m->initrd.extent.gpa,
		.initrd_size = m->opts.initrd ? m->initrd.extent.file_size : 0,
		.rsdp_gpa = acpi_write(&m->mem, m->opts.vcpus),
	};
	char ports[256];
	int status;

	if (!boot.rsdp_gpa || pvh_write_boot_info(&m->mem, &boot) ||
	    mptable_write(&m->mem, m->opts.vcpus) || vm_create(&m->vm, &m->mem) ||
	    vm_create_vcpus(&m->vm, m->opts.vcpus) ||
	    vm_setup_pvh_entry(&m->vm, m->kernel.pvh_entry) || attach_devices(m, serial_fd) ||
	    (m->bp.address && breakpoint_arm(&m->bp, m->vm.vcpus[0].fd)))
		return EXIT_ERROR;
	/* Set-up is done, under two names a few microseconds apart:
	 * vmm_setup_done stays loadvm's own point; vmm_init_end is the one
	 * loadbench replaces with the first guest entry (qemu-boot-time's
	 * qemu_init_end) wherever tracefs sees it. */
	trace_log_point("vmm_setup_done", TRACE_VALUE_NONE, "vmm");
	trace_log_point("vmm_init_end", TRACE_VALUE_NONE, "vmm");
	status = vmm_run(&m->vm, &m->bus, m->bp.address ? &m->bp : NULL, &m->stop);
	breakpoint_report_missing(m->bp.address ? &m->bp : NULL);
	io_bus_describe_unhandled(&m->bus, ports, sizeof(ports));
	pr_info("unhandled I/O: %llu port accesses (%s), %llu MMIO accesses; serial: %llu "
		"bytes written, %llu dropped over the limit",
		(unsigned long long)m->bus.unhandled_pio, ports[0] ? ports : "none",
		(unsigned long long)m->bus.unhandled_mmio, (unsigned long long)m->serial.written,
		(unsigned long long)m->serial.dropped);
	vm_destroy(&m->vm);
	return status;
}

int main(int argc, char **argv)
{
	static struct machine m = { .kernel.fd = -1, .initrd.fd = -1 };
	struct output_file outs[] = { { .what = "trace" }, { .what = "serial" } };
	int status;

	trace_clock_start();
	log_set_program("loadvm");
	signal(SIGPIPE, SIG_IGN); /* a closed trace reader must not kill the VM */
	status = options_parse(argc, argv, &m.opts);
	if (status)
		return status > 0 ? EXIT_OK : EXIT_BAD_INPUT;
	log_set_verbose(m.opts.verbose);
	if (vmm_block_stop_signals(m.opts.timeout_s, timeout_before_run))
		return EXIT_ERROR;
	if (open_images(&m))
		return EXIT_BAD_INPUT;
	outs[0].path = m.opts.trace;
	outs[1].path = m.opts.serial;
	if (output_files_open(outs, 2))
		return EXIT_BAD_INPUT;
	trace_log_open(outs[0].fd);
	if (guest_mem_alloc(&m.mem, m.opts.mem_bytes) || load_images(&m))
		return EXIT_ERROR;
	if (m.opts.exit_after == EXIT_AFTER_LOAD)
		return EXIT_OK;
	status = boot_guest(&m, outs[1].fd);
	kernel_image_close(&m.kernel);
	initrd_close(&m.initrd);
	guest_mem_free(&m.mem);
	return status;
}
