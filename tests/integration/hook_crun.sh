#!/usr/bin/env bash
# The hook under crun, with OCI bundles.
RT=crun
. "$(dirname "$0")/../hook_oci.sh"
