#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hook under runc, with OCI bundles.
RT=runc
. "$(dirname "$0")/../hook_oci.sh"
