// SPDX-License-Identifier: Apache-2.0
/* The OCI state a runtime writes on the hook's stdin, and the same bytes as
 * the bundle's config.json whose linux.seccomp the hook reads. */
#include "fuzz.h"
#include "oci_config.h"
#include "oci_state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

/* config.json: a refusal leaves nothing; what is read is consistent. */
static void config(const char *text, size_t size)
{
	struct st_error err = {0};
	struct st_recording_filter f;

	if (st_recording_filter_parse(text, size, "config.json", &f, &err) < 0) {
		fuzz_check_error(&err);
		FUZZ_CHECK(!f.present && !f.default_action && !f.enosys && !f.n_enosys);
		return;
	}
	FUZZ_CHECK(f.present || (!f.default_action && !f.n_enosys && !f.has_default_errno));
	for (size_t i = 0; i < f.n_enosys; i++)
		FUZZ_CHECK(f.enosys[i] && (!i || strcmp(f.enosys[i - 1], f.enosys[i]) < 0));
	st_recording_filter_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct st_error err = {0};
	struct st_oci_state s;

	config(text, size);
	if (st_oci_state_parse(text, size, &s, &err) < 0) {
		fuzz_check_error(&err);
		/* a refusal leaves nothing behind */
		FUZZ_CHECK(!s.oci_version && !s.id && !s.status && !s.bundle);
		FUZZ_CHECK(!s.ann_keys && !s.ann_values && !s.n_ann);
		free(text);
		return 0;
	}
	FUZZ_CHECK(s.pid > 0);
	FUZZ_CHECK(!s.n_ann || (s.ann_keys && s.ann_values));
	for (size_t i = 0; i < s.n_ann; i++) {
		FUZZ_CHECK(s.ann_keys[i] && s.ann_values[i]);
		FUZZ_CHECK(st_oci_annotation(&s, s.ann_keys[i]));
	}
	st_oci_state_free(&s);
	FUZZ_CHECK(!s.id && !s.ann_keys && !s.n_ann);
	free(text);
	return 0;
}
