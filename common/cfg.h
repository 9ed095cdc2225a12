/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cfg: one option table per binary drives the JSON configuration file, the command-line flags
 * (key "h248.port" <-> flag "--h248-port"), the embedded defaults, --help and --print-config.
 * Precedence: embedded defaults < file given with -c/--config < command-line flags.
 * Every error names the source (file or "command line"), the key, what was expected and what was found. */
#ifndef MEDIASEC_CFG_H
#define MEDIASEC_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"

enum cfg_type {
	CFG_STRING,     /* char * (owned) */
	CFG_INT,        /* long, within [min, max] */
	CFG_BOOL,       /* bool */
	CFG_ENUM,       /* int: index into choices */
	CFG_ADDR,       /* char * (owned): an IPv4 or IPv6 literal */
	CFG_PORT_RANGE, /* struct cfg_port_range: "LOW-HIGH" */
	CFG_STRLIST, /* char ** (owned, NULL-terminated): JSON array, or comma-separated on the command line
		      */
};

struct cfg_port_range {
	uint16_t low, high;
};

struct cfg_option {
	const char *key; /* dotted path in the JSON file */
	char short_flag; /* 0: none */
	enum cfg_type type;
	size_t offset;              /* of the value in the binary's config struct */
	const char *def;            /* embedded default, written as on the command line */
	long min, max;              /* CFG_INT */
	const char *const *choices; /* CFG_ENUM, NULL-terminated */
	const char *help;
};

/* What every binary has; embed it as the member `common` of the binary's config struct. */
struct cfg_common {
	int log_level;    /* index into log_level_names */
	char *log_file;   /* "" for stderr */
	char *trace_file; /* JSON-lines trace, "" for none */
};

#define CFG_COMMON_ROWS(type)                                                                       \
	{ "log.level",                                                                              \
	  'l',                                                                                      \
	  CFG_ENUM,                                                                                 \
	  offsetof(type, common.log_level),                                                         \
	  "notice",                                                                                 \
	  0,                                                                                        \
	  0,                                                                                        \
	  log_level_names,                                                                          \
	  "lowest level logged: error, warning, notice, info or debug" },                           \
	{ "log.file", 0, CFG_STRING, offsetof(type, common.log_file), "", 0, 0, NULL,               \
	  "append the log to this file, reopened on SIGHUP (\"\" for standard error)" },            \
	{                                                                                           \
		"trace.file", 't', CFG_STRING, offsetof(type, common.trace_file), "", 0, 0, NULL,   \
		    "write a JSON-lines trace of every protocol event to this file (\"\" for none)" \
	}

struct cfg_program {
	const char *name;                 /* "ims-agw" */
	const char *summary;              /* one line for --help */
	const struct cfg_option *options; /* terminated by a row with key NULL */
};

/* Defaults into cfg (which must be zeroed). Cannot fail for a correct table. */
void cfg_defaults(const struct cfg_option *opts, void *cfg);

/* Apply a JSON document. `source` names it in errors. On error returns false and sets *err. */
bool cfg_load_buffer(const struct cfg_option *opts, void *cfg, const char *source, const char *buf,
		     size_t len, char **err);
bool cfg_load_file(const struct cfg_option *opts, void *cfg, const char *path, char **err);

/* Apply one command-line value to key; `flag` names it in errors ("--h248-port"). */
bool cfg_set_text(const struct cfg_option *opts, void *cfg, const char *key, const char *flag,
		  const char *value, char **err);

/* The effective configuration as pretty JSON (caller frees). */
char *cfg_to_json(const struct cfg_option *opts, const void *cfg);

void cfg_free(const struct cfg_option *opts, void *cfg);

enum cfg_outcome {
	CFG_RUN,  /* configuration complete: run */
	CFG_DONE, /* --help, --version or --print-config printed: exit 0 */
	CFG_FAIL, /* error printed to err: exit 2 */
};

/* The whole start-up: defaults, -c FILE, flags, and the informational options. */
enum cfg_outcome cfg_from_args(const struct cfg_program *prog, int argc, char **argv, void *cfg, FILE *out,
			       FILE *err);

/* cfg_from_args for a daemon's main(): -1 to run, else the exit status (0 after --help, --version or
 * --print-config; 2 after an error), the configuration freed. */
int cfg_main(const struct cfg_program *prog, int argc, char **argv, void *cfg);

#endif
