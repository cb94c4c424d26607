// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock (MC146818) at 0x70/0x71, read-only: Linux reads
 * the wall clock at boot and, while the update-in-progress bit reads as set
 * (an empty bus reads all-ones), retries tens of thousands of times. We
 * report the host's UTC time in BCD, 24-hour mode, never updating.
 */
#include "devices.h"

#include <string.h>
#include <time.h>

#define RTC_INDEX_PORT 0x70
#define RTC_DATA_PORT 0x71
#define RTC_INDEX_MASK 0x7f /* bit 7 is the NMI mask */

enum rtc_register {
	RTC_SECONDS = 0x00,
	RTC_MINUTES = 0x02,
	RTC_HOURS = 0x04,
	RTC_DAY_OF_WEEK = 0x06,
	RTC_DAY = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_STATUS_A = 0x0a,
	RTC_STATUS_B = 0x0b,
	RTC_STATUS_D = 0x0d,
	RTC_CENTURY = 0x32,
};

#define STATUS_A_32KHZ 0x26 /* divider on, 1024 Hz rate, UIP clear */
#define STATUS_B_24H 0x02   /* BCD, 24-hour */
#define STATUS_D_VALID_RAM 0x80

static uint8_t bcd(int value)
{
	return (uint8_t)(((value / 10) << 4) | (value % 10));
}

static uint8_t rtc_read(uint8_t index)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (index) {
	case RTC_SECONDS: return bcd(tm.tm_sec);
	case RTC_MINUTES: return bcd(tm.tm_min);
	case RTC_HOURS: return bcd(tm.tm_hour);
	case RTC_DAY_OF_WEEK: return bcd(tm.tm_wday + 1);
	case RTC_DAY: return bcd(tm.tm_mday);
	case RTC_MONTH: return bcd(tm.tm_mon + 1);
	case RTC_YEAR: return bcd(tm.tm_year % 100);
	case RTC_CENTURY: return bcd(19 + tm.tm_year / 100);
	case RTC_STATUS_A: return STATUS_A_32KHZ;
	case RTC_STATUS_B: return STATUS_B_24H;
	case RTC_STATUS_D: return STATUS_D_VALID_RAM;
	default: return 0;
	}
}

static void rtc_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	struct rtc_dev *dev = opaque;

	if (is_write) {
		if (port == RTC_INDEX_PORT)
			dev->index = data[0] & RTC_INDEX_MASK;
		return; /* setting the clock or CMOS RAM: ignored */
	}
	memset(data, 0, size);
	if (port == RTC_DATA_PORT)
		data[0] = rtc_read(dev->index);
}

int rtc_dev_register(struct io_bus *bus, struct rtc_dev *dev)
{
	const struct pio_device pio = { "rtc", RTC_INDEX_PORT, 2, rtc_pio, dev };

	return io_bus_register(bus, &pio);
}
