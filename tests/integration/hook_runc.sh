#!/usr/bin/env bash
# The hook under runc, with OCI bundles.
RT=runc
. "$(dirname "$0")/../hook_oci.sh"
