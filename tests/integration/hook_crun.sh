#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hook under crun, with OCI bundles.
RT=crun
. "$(dirname "$0")/../hook_oci.sh"
